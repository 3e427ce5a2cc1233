/// The mood words shared with sentiment: each also counts as one `<positive>` or `<negative>`
/// feature, so praise or anger about a trade the corpus never mentions still points to
/// `praise` or `complaint`.
enum ClassifierVocabulary {
    /// The pseudo-words added once for a message that contains a mood word.
    static let positiveMarker = "<positive>"
    static let negativeMarker = "<negative>"

    /// The mood marker a word stands for, if any.
    static func marker(for word: String) -> String? {
        if Signals.negativeWords[word, default: 0] >= 1 { return negativeMarker }
        if Signals.positiveWords[word, default: 0] >= 1 { return positiveMarker }
        return nil
    }

    static let markerTable: [UInt64: UInt64] = {
        var table: [UInt64: UInt64] = [:]
        let positive = ClassifierTokenizer.normalizedWordHash(positiveMarker)
        let negative = ClassifierTokenizer.normalizedWordHash(negativeMarker)
        for (word, weight) in Signals.positiveWords where weight >= 1 {
            table[ClassifierTokenizer.normalizedWordHash(word)] = positive
        }
        for (word, weight) in Signals.negativeWords where weight >= 1 {
            table[ClassifierTokenizer.normalizedWordHash(word)] = negative
        }
        return table
    }()
}

extension ClassifierVocabulary {
    /// Whole-message features: the overall mood and whether anything is asked. Praise and
    /// complaints seldom ask; requests do; and a warm mail that mentions a refund is still praise.
    static func contextFeatures(sentiment: Sentiment, asks: Bool) -> [String] {
        ["<mood-\(sentiment.rawValue)>", asks ? "<asks>" : "<asks-nothing>"]
    }

    /// The hash of every context feature `contextFeatures(sentiment:asks:)` can give, so
    /// scoring a message does not split and hash the same few strings again.
    static let contextHashes: [String: UInt64] = {
        var hashes: [String: UInt64] = [:]
        for sentiment in Sentiment.allCases {
            for asks in [false, true] {
                for feature in contextFeatures(sentiment: sentiment, asks: asks) {
                    hashes[feature] = ClassifierTokenizer.featureHash(feature)
                }
            }
        }
        return hashes
    }()

    /// The context features of a message as text, for training.
    static func contextFeatures(subject: String, text: String) -> [String] {
        let signals = Signals(subject: subject, text: text)
        return contextFeatures(sentiment: signals.sentiment, asks: asks(text))
    }

    /// Whether the customer's own words ask something (a question mark).
    static func asks(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { $0.contains(0x3F) }
    }
}

extension ClassifierVocabulary {
    /// How a feature is shown as evidence: the mood markers stand for many words, so they are
    /// named for what they count.
    static func readable(_ feature: String) -> String {
        switch feature {
        case positiveMarker: return "(warm words)"
        case negativeMarker: return "(angry or unhappy words)"
        default: return feature
        }
    }
}

import Foundation

/// How the customer feels, as far as their words and typing show.
public enum Sentiment: String, Codable, Sendable, CaseIterable {
    case negative, neutral, positive
}

/// How soon the customer needs an answer.
public enum Urgency: String, Codable, Sendable, CaseIterable {
    /// They said there is no rush.
    case low
    case normal
    /// Urgent words, deadlines, threats to escalate, or shouting.
    case high
}

/// What the drafting and linting stages need to know about a message besides its category.
/// Every signal is a pure function of the subject and the customer's own words.
public struct Signals: Codable, Equatable, Sendable {
    public var sentiment: Sentiment
    public var urgency: Urgency
    /// Whether the customer asked after us ("how are you", "hope this finds you well", …), so
    /// the reply can answer in kind.
    public var asksHowAreYou: Bool
    /// Order, invoice, ticket and reference numbers mentioned, in order of appearance, without
    /// a leading "#".
    public var orderNumbers: [String]
    /// ISO 639-1 code of the language the customer wrote in ("en", "de", …).
    public var language: String

    public init(
        sentiment: Sentiment, urgency: Urgency, asksHowAreYou: Bool, orderNumbers: [String], language: String
    ) {
        self.sentiment = sentiment
        self.urgency = urgency
        self.asksHowAreYou = asksHowAreYou
        self.orderNumbers = orderNumbers
        self.language = language
    }

    /// Reads every signal from a message.
    /// - Parameters:
    ///   - subject: the decoded subject.
    ///   - text: the customer's own words.
    public init(subject: String, text: String) {
        self.init(
            subject: subject, text: text,
            subjectWords: ClassifierTokenizer.wordHashes(subject, sentenceBreaks: true),
            textWords: ClassifierTokenizer.wordHashes(text, sentenceBreaks: true))
    }

    /// Signals from words the classifier has already hashed (with sentence breaks), so a
    /// message is tokenised once.
    init(subject: String, text: String, subjectWords: [UInt64], textWords: [UInt64]) {
        let whole = subject.isEmpty ? text : subject + "\n" + text
        let words = subjectWords.isEmpty ? textWords : subjectWords + [ClassifierTokenizer.sentenceBreak] + textWords
        let (intensity, hasQuestion) = Self.scanTyping(whole)
        let info = Self.signalWords.lookUp(words)
        self.init(
            sentiment: Self.sentiment(words: words, info: info, intensity: intensity, hasQuestion: hasQuestion),
            urgency: Self.urgency(words: words, info: info, intensity: intensity),
            asksHowAreYou: Self.asksHowAreYou(words: words, info: info),
            orderNumbers: Self.orderNumbers(in: whole),
            language: Self.language(of: whole, words: words, info: info))
    }

    /// Every word list the signals read, as one table (see `SignalWords`).
    static let signalWords = SignalWords(
        negators: negatorWords.map(ClassifierTokenizer.normalizedWordHash),
        positive: Dictionary(uniqueKeysWithValues: positiveWords.map { (ClassifierTokenizer.normalizedWordHash($0.key), $0.value) }),
        negative: Dictionary(uniqueKeysWithValues: negativeWords.map { (ClassifierTokenizer.normalizedWordHash($0.key), $0.value) }),
        phrases: [
            (politeClosings, \.polite), (calmPhrases, \.calm), (urgentPhrases, \.urgent), (howAreYouPhrases, \.howAreYou),
        ],
        languages: markerBitsByWord)

    enum CodingKeys: String, CodingKey {
        case sentiment, urgency, language
        case asksHowAreYou = "asks_how_are_you"
        case orderNumbers = "order_numbers"
    }
}

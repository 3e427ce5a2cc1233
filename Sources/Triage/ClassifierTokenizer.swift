import HashTables

/// Turns text into the word features the classifier counts: lower-cased words, digits folded
/// into one `<number>` word, and adjacent-word bigrams.
///
/// It works on UTF-8 bytes rather than `Character`s because classification must keep up with
/// a backlog (tens of thousands of messages a second); grapheme segmentation would dominate.
/// Features are identified by a 64-bit hash so scoring never builds a `String`; the model keeps
/// the readable feature text for explanations.
enum ClassifierTokenizer {
    /// The word every token containing a digit becomes: order numbers and dates carry no topic.
    static let numberWord = "<number>"

    /// One token: its hash and, when asked for, its normalised text.
    struct Token {
        var hash: UInt64
        var text: String?
    }

    /// The hashes of the normalised words of `text`, in order.
    static func wordHashes(_ text: String) -> [UInt64] { wordHashes(text, sentenceBreaks: false) }

    /// The hash that `wordHashes(_:sentenceBreaks:)` puts where a sentence ends; no word has it.
    static let sentenceBreak: UInt64 = 1

    /// Word hashes with `sentenceBreak` after each ".", "!", "?", ";" or line break, for
    /// signals that must not read across sentences.
    static func wordHashes(_ text: String, sentenceBreaks: Bool) -> [UInt64] {
        // The hot path of classification: the same rules as `forEachWord`, without closures or
        // text, so nothing is retained or allocated per word.
        var text = text
        return text.withUTF8 { bytes -> [UInt64] in
            Self.asciiWordBytes.withUnsafeBufferPointer { wordBytes in
                // The state is a local struct rather than variables a nested function captures:
                // those are checked for exclusive access at run time on every word.
                var run = HashRun()
                run.hashes.reserveCapacity(bytes.count / 4 + 1)
                let count = bytes.count
                var index = 0
                while index < count {
                    let byte = bytes[index]
                    // ASCII letters and digits (most bytes) through one table look-up: the range
                    // checks for them cost ~30 instructions a byte.
                    let word = wordBytes[Int(byte)]
                    if word != 0 {
                        run.add(word, digit: word <= 0x39)
                        index &+= 1
                        continue
                    }
                    if byte < 0x80 {
                        if byte == 0x27, run.length > 0, index + 1 < count, isWordByte(bytes[index + 1]),
                            bytes[index + 1] < 0x80
                        {
                            // Apostrophe inside a word: dropped.
                        } else {
                            run.finish()
                            if sentenceBreaks && isSentenceEnd(byte) {
                                run.hashes.append(sentenceBreak)
                            }
                        }
                        index &+= 1
                        continue
                    }
                    if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81 {
                        if run.length > 0, bytes[index + 1] == 0x80, bytes[index + 2] == 0x99, index + 3 < count,
                            isWordByte(bytes[index + 3]), bytes[index + 3] < 0x80
                        {
                            index += 3  // typographic apostrophe inside a word
                            continue
                        }
                        run.finish()
                        index += 3
                        continue
                    }
                    if byte == 0xC2, index + 1 < count, bytes[index + 1] < 0xC0 {
                        run.finish()
                        index += 2
                        continue
                    }
                    run.add(byte, digit: false)
                    index &+= 1
                }
                run.finish()
                return run.hashes
            }
        }
    }

    /// For each byte: the ASCII letter lower-cased, or the digit, or 0 (any other byte).
    private static let asciiWordBytes: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        switch byte {
        case 0x41...0x5A: UInt8(byte | 0x20)
        case 0x61...0x7A, 0x30...0x39: UInt8(byte)
        default: 0
        }
    }

    /// The word being hashed and the hashes of the words before it.
    private struct HashRun {
        var hashes: [UInt64] = []
        var hash = FNV1a.offset
        var length = 0
        var hasDigit = false
        let numberHash = ClassifierTokenizer.numberHash

        @inline(__always)
        mutating func add(_ byte: UInt8, digit: Bool) {
            hash = FNV1a.adding(byte, to: hash)
            length &+= 1
            hasDigit = hasDigit || digit
        }

        @inline(__always)
        mutating func finish() {
            if length > 0 { hashes.append(hasDigit ? numberHash : hash) }
            hash = FNV1a.offset
            length = 0
            hasDigit = false
        }
    }

    /// The normalised words of `text`, in order (for training and rules, where speed matters less).
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        forEachWord(text, keepText: true, sentenceBreaks: false) { words.append($0.text ?? "") }
        return words
    }

    /// The feature hash of a bigram made of two word hashes; order matters ("not working" is
    /// not "working not").
    @inline(__always)
    static func bigramHash(_ first: UInt64, _ second: UInt64) -> UInt64 {
        var mixed = first &* 0x9E37_79B9_7F4A_7C15
        mixed = (mixed << 31) | (mixed >> 33)
        return mixed ^ (second &+ 0xC2B2_AE3D_27D4_EB4F)
    }

    /// The hash of a feature written as text ("refund" or "money back"), matching what
    /// tokenising a message produces.
    /// `feature` is the model's own text: normalised words joined by one space.
    static func featureHash(_ feature: String) -> UInt64 {
        let parts = feature.split(separator: " ").map { normalizedWordHash(String($0)) }
        guard var hash = parts.first else { return 0 }
        for next in parts.dropFirst() { hash = bigramHash(hash, next) }
        return hash
    }

    /// The hash of one word that is already normalised (as `words(_:)` returns it).
    static func normalizedWordHash(_ word: String) -> UInt64 {
        if word == numberWord { return numberHash }
        return FNV1a.hash(word.utf8)
    }

    private static let numberHash = FNV1a.hash(numberWord.utf8)

    /// ".", "!", "?", ";" and line breaks end a sentence.
    @inline(__always)
    private static func isSentenceEnd(_ byte: UInt8) -> Bool {
        byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x3B || byte == 0x0A
    }

    @inline(__always)
    private static func isWordByte(_ byte: UInt8) -> Bool {
        // Letters, digits, and every byte of a non-ASCII scalar (accented and non-Latin words).
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte >= 0x80
    }

    static func forEachWord(_ text: String, keepText: Bool, sentenceBreaks: Bool, _ body: (Token) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            let count = bytes.count
            var index = 0
            var hash = FNV1a.offset
            var length = 0
            var hasDigit = false
            var scratch: [UInt8] = []
            func finish() {
                if length > 0 {
                    let word: String? = keepText
                        ? (hasDigit ? numberWord : String(decoding: scratch, as: UTF8.self)) : nil
                    body(Token(hash: hasDigit ? numberHash : hash, text: word))
                }
                hash = FNV1a.offset
                length = 0
                hasDigit = false
                scratch.removeAll(keepingCapacity: true)
            }
            while index < count {
                var byte = bytes[index]
                // Apostrophes inside a word are dropped so "don't", "don’t" and "dont" agree.
                if length > 0 {
                    if byte == 0x27, index + 1 < count, isWordByte(bytes[index + 1]), bytes[index + 1] < 0x80 {
                        index += 1
                        continue
                    }
                    if byte == 0xE2, index + 3 < count, bytes[index + 1] == 0x80, bytes[index + 2] == 0x99,
                        isWordByte(bytes[index + 3]), bytes[index + 3] < 0x80
                    {
                        index += 3
                        continue
                    }
                }
                // Typographic punctuation (U+2000–U+206F: dashes, quotes, ellipsis) separates words.
                if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81 {
                    finish()
                    index += 3
                    continue
                }
                // U+00A0 no-break space and the Latin-1 punctuation block separate words too.
                if byte == 0xC2, index + 1 < count, bytes[index + 1] < 0xC0 {
                    finish()
                    index += 2
                    continue
                }
                if isWordByte(byte) {
                    if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                    if byte >= 0x30 && byte <= 0x39 { hasDigit = true }
                    hash = FNV1a.adding(byte, to: hash)
                    length += 1
                    if keepText { scratch.append(byte) }
                } else {
                    finish()
                    if sentenceBreaks && isSentenceEnd(byte) {
                        body(Token(hash: sentenceBreak, text: nil))
                    }
                }
                index += 1
            }
            finish()
        }
    }
}

extension ClassifierTokenizer {
    /// Reply and forward markers carry no topic; a customer's "Re:" must not tilt the score.
    static let subjectPrefixes: Set<String> = ["re", "fw", "fwd", "aw", "wg", "sv", "vs", "tr", "rv", "antw"]

    /// The words of a subject without its leading "Re:"/"Fwd:" markers; none for a reply
    /// (see `withoutReplyMarkers`).
    static func subjectWords(_ subject: String) -> [String] {
        let words = words(subject)
        if let first = words.first, replyPrefixes.contains(first) { return [] }
        return Array(words.drop(while: { subjectPrefixes.contains($0) }))
    }

    /// Markers of a reply (not of a forward).
    static let replyPrefixes: Set<String> = ["re", "aw", "sv", "vs", "rv", "antw"]

    /// The hashes of a subject's words without its leading "Re:"/"Fwd:" markers.
    static func subjectWordHashes(_ subject: String) -> [UInt64] {
        withoutReplyMarkers(wordHashes(subject))
    }

    /// Subject word hashes without the leading "Re:"/"Fwd:" markers (and sentence breaks).
    /// A reply's subject is the topic of our earlier mail, not of what the customer now writes
    /// ("Re: Where is my parcel?" over "It arrived, thank you!"), so it is left out entirely.
    static func withoutReplyMarkers(_ hashes: [UInt64]) -> [UInt64] {
        let words = hashes.drop(while: { $0 == sentenceBreak })
        if let first = words.first, replyPrefixHashes.contains(first) { return [] }
        return Array(words.drop(while: { subjectPrefixHashes.contains($0) || $0 == sentenceBreak }))
    }

    private static let replyPrefixHashes = Set(replyPrefixes.map(normalizedWordHash))

    private static let subjectPrefixHashes = Set(subjectPrefixes.map(normalizedWordHash))
}

extension Signals {
    /// Words that introduce a reference ("order 4471-22", "ref AB-9921", "invoice no. 123").
    static let referenceWords: Set<String> = [
        "order", "ref", "reference", "invoice", "inv", "ticket", "case", "confirmation", "tracking", "booking",
        "receipt", "transaction", "account", "rma", "po", "parcel", "shipment", "claim", "return", "reservation",
        "customer", "membership", "policy",
    ]

    /// Words allowed between the reference word and the identifier ("order number is 123").
    /// Bare punctuation ("#", ":", "-") reads as the empty word.
    static let referenceConnectors: Set<String> = ["no", "number", "nr", "num", "id", "code", "is", ""]

    /// Order and reference numbers: an identifier of three or more letters, digits, "-" or "/"
    /// with at least one digit, written after "#" or after a reference word; without the "#",
    /// each once, in order of appearance. A scan over the UTF-8 bytes of whitespace-separated
    /// chunks: a regular expression, or `Character` processing, costs a hundred times more.
    static func orderNumbers(in text: String) -> [String] {
        // The string's own bytes: copying them into an array cost a fifth of the scan.
        var text = text
        return text.withUTF8 { orderNumbers(inBytes: $0) }
    }

    private static func orderNumbers(inBytes bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        // Chunks between white space, and which of them hold a digit: only those can be
        // identifiers, so the (rarer) look-back for a reference word starts from them.
        var chunks: [Range<Int>] = []
        chunks.reserveCapacity(bytes.count / 5 + 1)
        var withDigit: [Int] = []
        var start = -1
        var digit = false
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                if start >= 0 {
                    if digit { withDigit.append(chunks.count) }
                    chunks.append(start..<index)
                }
                start = -1
                digit = false
            } else {
                if start < 0 { start = index }
                if byte >= 0x30 && byte <= 0x39 { digit = true }
            }
        }
        if start >= 0 {
            if digit { withDigit.append(chunks.count) }
            chunks.append(start..<bytes.count)
        }

        var found: [String] = []
        func add(_ range: Range<Int>) {
            var lower = range.lowerBound
            var upper = range.upperBound
            while lower < upper, bytes[lower] == 0x23 || bytes[lower] == 0x3A { lower += 1 }
            while upper > lower, !isAlphanumeric(bytes[upper - 1]) { upper -= 1 }
            guard upper - lower >= 3, isAlphanumeric(bytes[lower]) else { return }
            for byte in bytes[lower..<upper] where !(isAlphanumeric(byte) || byte == 0x2D || byte == 0x2F) { return }
            let identifier = String(decoding: bytes[lower..<upper], as: UTF8.self)
            if !found.contains(identifier) { found.append(identifier) }
        }
        /// The chunk without opening brackets and quotes: "(order 123)".
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound
            while lower < range.upperBound {
                switch bytes[lower] {
                case 0x28, 0x5B, 0x7B, 0x22, 0x27: lower += 1
                default: return lower..<range.upperBound
                }
            }
            return lower..<range.upperBound
        }
        /// The chunk's ASCII letters, lower-cased, up to a "#" or ":" (and where that is).
        func head(_ range: Range<Int>) -> (word: String, split: Int?) {
            var letters: [UInt8] = []
            for index in range {
                let byte = bytes[index]
                if byte == 0x23 || byte == 0x3A { return (String(decoding: letters, as: UTF8.self), index) }
                if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A { letters.append(byte | 0x20) }
                if letters.count > 14 { break }
            }
            return (String(decoding: letters, as: UTF8.self), nil)
        }
        func isReferenceWord(_ word: String) -> Bool {
            referenceWords.contains(word) || (word.hasSuffix("s") && referenceWords.contains(String(word.dropLast())))
        }

        for index in withDigit {
            let chunk = trimmed(chunks[index])
            guard !chunk.isEmpty else { continue }
            if bytes[chunk.lowerBound] == 0x23 {
                add(chunk)
                continue
            }
            // "order#123" and "ref:AB-1" carry the reference word in the same chunk.
            let (word, split) = head(chunk)
            if let split, isReferenceWord(word) {
                add((split + 1)..<chunk.upperBound)
                continue
            }
            // "order 4471-22", "invoice no. 123", "order number is 55120".
            var back = index - 1
            while back >= 0, back >= index - 4 {
                let previous = head(trimmed(chunks[back]))
                if previous.split == nil || chunks[back].upperBound - 1 == previous.split,
                    isReferenceWord(previous.word)
                {
                    add(chunk)
                    break
                }
                guard referenceConnectors.contains(previous.word) else { break }
                back -= 1
            }
        }
        return found
    }

    @inline(__always)
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
    }
}

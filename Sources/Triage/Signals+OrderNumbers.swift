import HashTables

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
        // Only chunks (runs of bytes between white space) that hold a digit can be identifiers:
        // the scan looks for digits eight bytes at a time, then finds the chunk around one and
        // the chunks before it. (Cutting every chunk of the text first cost ~16 instructions a
        // byte, the most of any signal for long mail.)
        guard let base = bytes.baseAddress else { return [] }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
        /// The first ASCII digit at or after `start`.
        func nextDigit(from start: Int) -> Int? {
            var index = start
            while index + 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let digits = Self.digitBytes(word)
                if digits != 0 { return index + digits.trailingZeroBitCount / 8 }
                index += 8
            }
            while index < bytes.count {
                if bytes[index] &- 0x30 < 10 { return index }
                index += 1
            }
            return nil
        }
        /// The chunk that ends before the white space in front of `start`, if any.
        func chunkBefore(_ start: Int) -> Range<Int>? {
            var upper = start
            while upper > 0, isSpace(bytes[upper - 1]) { upper -= 1 }
            guard upper > 0 else { return nil }
            var lower = upper - 1
            while lower > 0, !isSpace(bytes[lower - 1]) { lower -= 1 }
            return lower..<upper
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
        /// The chunk's ASCII letters, lower-cased, up to a "#" or ":" (and where that is), as
        /// their hash and, when there are any, the hash without a last letter "s" (plurals).
        func head(_ range: Range<Int>) -> Head {
            var head = Head()
            for index in range {
                let byte = bytes[index]
                if byte == 0x23 || byte == 0x3A {
                    head.split = index
                    break
                }
                if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A {
                    head.add(byte | 0x20)
                    // At most 15 letters: no reference word or connector is that long.
                    if head.count > 14 { break }
                }
            }
            return head
        }
        func isReferenceWord(_ head: Head) -> Bool {
            Self.referenceWordTable.contains(head.letters, count: head.count, hash: head.hash)
                || (head.endsWithS
                    && Self.referenceWordTable.contains(head.letters, count: head.count - 1, hash: head.hashBeforeLast))
        }

        var position = 0
        while let digit = nextDigit(from: position) {
            var lower = digit
            while lower > 0, !isSpace(bytes[lower - 1]) { lower -= 1 }
            var upper = digit + 1
            while upper < bytes.count, !isSpace(bytes[upper]) { upper += 1 }
            position = upper
            let chunk = trimmed(lower..<upper)
            guard !chunk.isEmpty else { continue }
            if bytes[chunk.lowerBound] == 0x23 {
                add(chunk)
                continue
            }
            // "order#123" and "ref:AB-1" carry the reference word in the same chunk.
            let word = head(chunk)
            if let split = word.split, isReferenceWord(word) {
                add((split + 1)..<chunk.upperBound)
                continue
            }
            // "order 4471-22", "invoice no. 123", "order number is 55120": up to four chunks back.
            var cursor = lower
            for _ in 0..<4 {
                guard let previousChunk = chunkBefore(cursor) else { break }
                let previous = head(trimmed(previousChunk))
                if previous.split == nil || previousChunk.upperBound - 1 == previous.split,
                    isReferenceWord(previous)
                {
                    add(chunk)
                    break
                }
                guard Self.referenceConnectorTable.contains(previous.letters, count: previous.count, hash: previous.hash)
                else { break }
                cursor = previousChunk.lowerBound
            }
        }
        return found
    }

    /// The lower-cased letters at the head of a chunk (see `orderNumbers`), hashed as they come.
    private struct Head {
        var letters = SIMD16<UInt8>()
        var count = 0
        var hash = FNV1a.offset
        var hashBeforeLast = FNV1a.offset
        var split: Int?

        var endsWithS: Bool { count > 0 && letters[count - 1] == 0x73 }

        @inline(__always)
        mutating func add(_ letter: UInt8) {
            letters[count] = letter
            count += 1
            hashBeforeLast = hash
            hash = FNV1a.adding(letter, to: hash)
        }
    }

    /// Words of lower-case ASCII letters (at most 16), looked up by their FNV-1a hash and
    /// confirmed by their letters: a `Set<String>` needed a String made and SipHashed for every
    /// chunk before every number of a mail.
    struct WordList: Sendable {
        private let table: HashTable
        private let words: [SIMD16<UInt8>]
        private let counts: [Int]

        init(_ words: Set<String>) {
            let sorted = words.sorted()
            precondition(sorted.allSatisfy { $0.utf8.count <= 16 && $0.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } })
            self.words = sorted.map { word in
                var letters = SIMD16<UInt8>()
                for (index, byte) in word.utf8.enumerated() { letters[index] = byte }
                return letters
            }
            counts = sorted.map(\.utf8.count)
            table = HashTable(sorted.enumerated().map { index, word in
                (HashTable.mixed(FNV1a.hash(word.utf8)), Int32(index))
            })
        }

        /// Whether the first `count` of `letters` (zero past them) are one of the words.
        @inline(__always)
        func contains(_ letters: SIMD16<UInt8>, count: Int, hash: UInt64) -> Bool {
            guard let index = table.row(HashTable.mixed(hash)) else { return false }
            var mask = SIMD16<UInt8>()
            for lane in 0..<count { mask[lane] = 0xFF }
            return counts[Int(index)] == count && words[Int(index)] == letters & mask
        }
    }

    static let referenceWordTable = WordList(referenceWords)
    static let referenceConnectorTable = WordList(referenceConnectors)

    /// The high bit of each byte of `word` that is an ASCII digit, no other bit.
    @inline(__always)
    static func digitBytes(_ word: UInt64) -> UInt64 {
        ByteWords.asciiBytes(in: word, from: 0x30, through: 0x39)
    }

    @inline(__always)
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
    }
}

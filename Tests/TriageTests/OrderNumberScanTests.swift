import TactTestSupport
import Testing

@testable import Triage

/// `Signals.orderNumbers` finds digits eight bytes at a time and cuts only the chunks around them;
/// it must find what cutting every chunk of the text first (the implementation before it, kept
/// here) finds, on texts built to hit every branch: "#", "order#", "ref:", connectors, brackets,
/// white space of each kind, digits at every offset of a word, long chunks and non-ASCII bytes.
@Suite struct OrderNumberScanTests {
    static let pieces = [
        "order", "Orders", "ref", "invoice", "no.", "number", "is", "nr", "#", "#1", "#AB-123", "order#99812",
        "ref:AB-1234", "(ref:", "(order", "[12345]", "\"55-20931\"", "4471-22", "INV-2024/07", "12", "123", "0207",
        "and", "the", "a", "my", "lamp", "Ticket:", "case:", "x9y", "--", ":", "é", "語", "№", "45,", "7781234.",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "9999999999999999", "'", "{", "po", "rma", "claims",
    ]
    static let spaces = [" ", " ", " ", "\n", "\t", "\r\n", "  ", ""]

    static func generated(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            var text = ""
            for _ in 0..<Int.random(in: 0..<24, using: &random) {
                text += Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &random)]
                text += Self.spaces[Int.random(in: 0..<Self.spaces.count, using: &random)]
            }
            return text
        }
    }

    @Test func findsWhatCuttingEveryChunkFinds() {
        var found = 0
        for text in Self.generated(count: 20_000, seed: 0x0DE7) {
            let expected = Self.reference(text)
            found += expected.count
            #expect(Signals.orderNumbers(in: text) == expected, "\(text.debugDescription)")
        }
        // The texts reach the branches that find something, not only the ones that do not.
        #expect(found > 10_000)
    }

    @Test func digitBytesMarksExactlyTheDigits() {
        var random = SplitMix64(seed: 31)
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let expected = bytes.enumerated().reduce(UInt64(0)) {
                $0 | ((0x30...0x39).contains($1.element) ? UInt64(0x80) << (8 * UInt64($1.offset)) : 0)
            }
            #expect(Signals.digitBytes(word) == expected)
        }
        for byte in UInt8.min...UInt8.max {
            let word = UInt64(byte) << 24
            #expect((Signals.digitBytes(word) != 0) == (0x30...0x39).contains(byte))
        }
    }

    /// The implementation before the digit scan: every chunk cut first.
    static func reference(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
        }
        var chunks: [Range<Int>] = []
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
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound
            while lower < range.upperBound, [0x28, 0x5B, 0x7B, 0x22, 0x27].contains(bytes[lower]) { lower += 1 }
            return lower..<range.upperBound
        }
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
            Signals.referenceWords.contains(word)
                || (word.hasSuffix("s") && Signals.referenceWords.contains(String(word.dropLast())))
        }
        for index in withDigit {
            let chunk = trimmed(chunks[index])
            guard !chunk.isEmpty else { continue }
            if bytes[chunk.lowerBound] == 0x23 {
                add(chunk)
                continue
            }
            let (word, split) = head(chunk)
            if let split, isReferenceWord(word) {
                add((split + 1)..<chunk.upperBound)
                continue
            }
            var back = index - 1
            while back >= 0, back >= index - 4 {
                let previous = head(trimmed(chunks[back]))
                if previous.split == nil || chunks[back].upperBound - 1 == previous.split, isReferenceWord(previous.word) {
                    add(chunk)
                    break
                }
                guard Signals.referenceConnectors.contains(previous.word) else { break }
                back -= 1
            }
        }
        return found
    }
}

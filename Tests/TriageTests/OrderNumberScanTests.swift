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
        "confirmations", "Reservation:", "MEMBERSHIPS", "s", "transactionss", "num", "ID#", "codes", "i-s",
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

    /// The rules restated on the chunks cut first (as the implementation before the digit scan
    /// did): chunks with a digit, "#", a reference word in the chunk or in the four before it.
    static func reference(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte | 0x20)
        }
        let chunks = bytes.split(whereSeparator: { [0x20, 0x0A, 0x09, 0x0D].contains($0) })
        var found: [String] = []
        func add(_ chunk: ArraySlice<UInt8>) {
            var piece = chunk.drop { $0 == 0x23 || $0 == 0x3A }
            while let last = piece.last, !isAlphanumeric(last) { piece = piece.dropLast() }
            guard piece.count >= 3, let first = piece.first, isAlphanumeric(first),
                piece.allSatisfy({ isAlphanumeric($0) || $0 == 0x2D || $0 == 0x2F })
            else { return }
            let identifier = String(decoding: piece, as: UTF8.self)
            if !found.contains(identifier) { found.append(identifier) }
        }
        func opened(_ chunk: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            chunk.drop { [0x28, 0x5B, 0x7B, 0x22, 0x27].contains($0) }
        }
        /// Up to 15 lower-cased ASCII letters before a "#" or ":", and where that is.
        func head(_ chunk: ArraySlice<UInt8>) -> (word: String, split: Int?) {
            let split = chunk.firstIndex { $0 == 0x23 || $0 == 0x3A }
            let letters = chunk[..<(split ?? chunk.endIndex)].filter { (0x61...0x7A).contains($0 | 0x20) }.map { $0 | 0x20 }
            // The scan stops at the 15th letter: a split after it is not seen.
            if letters.count >= 15 {
                return (String(decoding: letters.prefix(15), as: UTF8.self), nil)
            }
            return (String(decoding: letters, as: UTF8.self), split)
        }
        func isReferenceWord(_ word: String) -> Bool {
            Signals.referenceWords.contains(word) || (word.hasSuffix("s") && Signals.referenceWords.contains(String(word.dropLast())))
        }
        for (index, chunk) in chunks.enumerated() where chunk.contains(where: { (0x30...0x39).contains($0) }) {
            let body = opened(chunk)
            guard let first = body.first else { continue }
            if first == 0x23 {
                add(body)
                continue
            }
            let (word, split) = head(body)
            if let split, isReferenceWord(word) {
                add(body[(split + 1)...])
                continue
            }
            for previous in chunks[max(0, index - 4)..<index].reversed() {
                let (before, mark) = head(opened(previous))
                if mark == nil || mark == previous.endIndex - 1, isReferenceWord(before) {
                    add(body)
                    break
                }
                if !Signals.referenceConnectors.contains(before) { break }
            }
        }
        return found
    }
}

import Foundation
import TactTestSupport
import Testing

@testable import MailParsing

/// `trimmingScalars` replaced Foundation's `trimmingCharacters(in:)` on the parsing path; it must
/// give the same text for the same scalar classes, and keep every scalar between the ends.
@Suite struct TrimmingTests {
    /// Scalars that make trimming interesting: ASCII letters and blanks, Unicode space separators,
    /// line breaks, combining marks (which attach to a blank before them as one Character),
    /// multi-byte letters, an emoji with a modifier, and the punctuation the callers trim.
    static let alphabet: [Unicode.Scalar] = [
        "a", "Z", "7", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{2003}", "\u{3000}",
        "\u{2028}", "\u{2029}", "\u{301}", "\u{308}", "é", "ß", "Ж", "語", "\u{1F44D}", "\u{1F3FD}", "-", "–", "—",
        ".", ",", "!", "~", "\"", "'",
    ]

    static func generated(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        let pieces = Self.alphabet.map { String($0) }
        return (0..<count).map { _ in random.concatenation(of: pieces, count: 0...12) }
    }

    /// The implementation before it copied bytes: scalar by scalar.
    static func reference(_ text: Substring, _ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end, drop(scalars[start]) { start += 1 }
        while end > start, drop(scalars[end - 1]) { end -= 1 }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[start..<end])
        return String(result)
    }

    @Test func matchesFoundationForWhitespaceAndNewlines() {
        for text in Self.generated(count: 5_000, seed: 11) {
            #expect(
                text.trimmingScalars(ScalarClass.whitespace) == text.trimmingCharacters(in: .whitespaces),
                "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(
                text.trimmingScalars(ScalarClass.whitespaceOrNewline)
                    == text.trimmingCharacters(in: .whitespacesAndNewlines),
                "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test func keepsEveryScalarBetweenTheEnds() {
        let drop: (Unicode.Scalar) -> Bool = { " \t-–—~.,!\u{301}".unicodeScalars.contains($0) }
        let texts = Self.generated(count: 5_000, seed: 12)
        for (index, text) in texts.enumerated() {
            // On Strings and on Substrings that start and end inside a longer text.
            let padded = "x" + text + "y" + texts[(index + 1) % texts.count]
            let inner = padded.dropFirst().prefix(text.count)
            #expect(text.trimmingScalars(drop) == Self.reference(Substring(text), drop))
            #expect(inner.trimmingScalars(drop) == Self.reference(inner, drop))
        }
        #expect("  --Jane!  ".trimmingScalars(drop) == "Jane")
        #expect(" \u{301}é ".trimmingScalars(drop) == "é")
        #expect("".trimmingScalars(drop) == "")
        #expect(" -- ".trimmingScalars(drop) == "")
    }
}

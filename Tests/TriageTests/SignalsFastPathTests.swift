import TactTestSupport
import Testing

@testable import Triage

/// The language check decodes UTF-8 itself; this holds it to counting `unicodeScalars`.
@Suite struct SignalsFastPathTests {
    static let pieces: [String] = [
        "Hello ", "order ", "é", "ß", "ø", "ǅ", "ɐ", "Ā", "привет ", "γειά ", "שלום ", "مرحبا ", "नमस्ते ", "สวัสดี ",
        "こんにちは", "カタカナ", "안녕 ", "ᄀ", "你好", "🙂", "’", "\u{301}", "\u{A0}", "€", "\u{10FFFF}", "\u{24F}",
        "\u{250}", "1234 ", "\n", "Z", "z", "@", "`", "{",
    ]

    @Test func scriptCountsAreThoseOfTheUnicodeScalars() {
        var random = SplitMix64(seed: 0x5C819)
        for _ in 0..<20_000 {
            let text = random.concatenation(of: Self.pieces, count: 0...8)
            var latin = 0
            var scripts: [String: Int] = [:]
            for scalar in text.unicodeScalars {
                let value = scalar.value
                if value < 0x80 {
                    if (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A { latin += 1 }
                } else if let code = Signals.scriptLanguage(of: scalar) {
                    scripts[code, default: 0] += 1
                } else if value < 0x250 {
                    latin += 1
                }
            }
            let counts = Signals.scriptCounts(text)
            #expect(counts.ascii == text.unicodeScalars.allSatisfy(\.isASCII), "\(text.debugDescription)")
            #expect(counts.latin == latin, "\(text.debugDescription)")
            #expect(counts.scripts == scripts, "\(text.debugDescription)")
        }
    }
}

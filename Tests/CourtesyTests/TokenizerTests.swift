import Testing

@testable import Courtesy

/// The linter's tokenizer writes each word's normalised bytes into one scratch buffer; these pin
/// what it hands over for every kind of word byte: ASCII, accented and non-Latin letters,
/// apostrophes inside words (straight and typographic), and a per cent sign after digits.
@Suite struct TokenizerTests {
    @Test func wordsAreNormalisedWhateverTheirBytes() {
        #expect(Tokenizer.words("Café naïve ÜBER Добро ДОБРО 東京 don’t DON'T 50% 5%x a'") == [
            "café", "naïve", "über", "добро", "добро", "東京", "don't", "don't", "50%", "5%", "x", "a",
        ])
        #expect(Tokenizer.words("Café ÜBER don’t", keepCase: true) == ["Café", "ÜBER", "don't"])
        // A long word, longer than any fixed buffer would hold.
        let long = String(repeating: "ä", count: 300) + String(repeating: "B", count: 300)
        #expect(Tokenizer.words("x " + long + " y") == ["x", String(repeating: "ä", count: 300) + String(repeating: "b", count: 300), "y"])
    }

    @Test func capitalsAreAllCapitalASCIIWords() {
        let text = "PLEASE help NOW ÜBER A1 OK"
        var found: [String] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            Tokenizer.scanBytes(
                UnsafeBufferPointer(buffer), 0..<buffer.count,
                word: { _, _, normalised, _, capitals in
                    if capitals { found.append(String(decoding: normalised, as: UTF8.self)) }
                }, stop: {})
        }
        #expect(found == ["please", "now", "a1", "ok"])
    }
}

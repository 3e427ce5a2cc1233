import Testing
import TactTestSupport

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

/// The sign-off rule reads the writer's part of a name by bytes when the name is ASCII; it must
/// be what splitting the name into `Character`s gives.
@Suite struct WriterPartTests {
    @Test func isWhatSplittingCharactersGives() {
        let pieces = [
            "Priya", "Shah", "Support", "Team", " ", "  ", "\t", ",", "-", "|", "(", ")", "from", "at", "fromage", "cat",
            "Jo-Ann", "x|y", "a(b", "–", "—", "Zoë", "e\u{301}", "\r", "The", "Desk",
        ]
        var random = SplitMix64(seed: 0x51_6E)
        var differentFromWhole = 0
        var ascii = 0
        for _ in 0..<20_000 {
            let name = random.concatenation(of: pieces, count: 0...9)
            let expected = LintRun.characterWriterPart(of: name)
            if expected != name { differentFromWhole += 1 }
            if name.utf8.allSatisfy({ $0 < 0x80 }) { ascii += 1 }
            #expect(LintRun.writerPart(of: name) == expected, "\(name.debugDescription)")
        }
        #expect(differentFromWhole > 5_000)
        #expect(ascii > 5_000)
        #expect(LintRun.writerPart(of: "Priya Shah, Support Team") == "Priya Shah,")
        #expect(LintRun.writerPart(of: "The Support Team") == "The Support Team")
        #expect(LintRun.writerPart(of: "Marta from Shop Support") == "Marta")
        #expect(LintRun.writerPart(of: "Marta — Shop Support") == "Marta")
    }
}

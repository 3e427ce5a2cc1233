import TactTestSupport
import Testing

@testable import Triage

@Suite struct ClassifierTokenizerTests {
    static let samples = [
        "Hello, I DON'T want a refund — I don’t! Order #4471-22 arrived 3 days late…",
        "Grüße aus München: Bestellung Nr. 12345 ist noch nicht da.",
        "line one\nline two; three? four!", "  ", "", "l'été déjà ’quoted’ it's", "注文した商品 1個",
        "a\u{00A0}b c\u{2019}d e'", "x's 'y' z''",
    ]

    @Test(arguments: samples)
    func hashesAreTheHashesOfTheWords(text: String) {
        let expected = ClassifierTokenizer.words(text).map(ClassifierTokenizer.normalizedWordHash)
        #expect(ClassifierTokenizer.wordHashes(text) == expected)
        let withBreaks = ClassifierTokenizer.wordHashes(text, sentenceBreaks: true)
        #expect(withBreaks.filter { $0 != ClassifierTokenizer.sentenceBreak } == expected)
    }

    /// The hashing loop (a table look-up for ASCII letters and digits) against `forEachWord`,
    /// which states the rules plainly, sentence breaks included, on generated text: every case
    /// of ASCII, apostrophes straight and typographic at word edges, dashes, no-break spaces,
    /// accented and non-Latin words, digits inside words.
    @Test func hashesAreThoseOfTheWordsOnGeneratedText() {
        let pieces = [
            "a", "Z", "refund", "DON", "'", "t", "\u{2019}", "\u{2014}", "\u{2026}", "\u{00A0}", "\u{00BF}", "é", "Ä",
            "ß", "注文", "7", "4471-22", " ", "\n", ".", "!", "?", ";", ",", "#", "@", "\t", "`", "[", "{", "~", "\u{7F}",
        ]
        var random = SplitMix64(seed: 41)
        for _ in 0..<10_000 {
            let text = random.concatenation(of: pieces, count: 0...20)
            for breaks in [false, true] {
                var expected: [UInt64] = []
                ClassifierTokenizer.forEachWord(text, keepText: false, sentenceBreaks: breaks) { expected.append($0.hash) }
                #expect(ClassifierTokenizer.wordHashes(text, sentenceBreaks: breaks) == expected, "\(text.debugDescription)")
            }
        }
    }

    @Test func normalisesCaseApostrophesAndNumbers() {
        #expect(ClassifierTokenizer.words("DON'T don’t Dont") == ["dont", "dont", "dont"])
        let number = ClassifierTokenizer.numberWord
        #expect(ClassifierTokenizer.words("order #4471-22, 3 days") == ["order", number, number, number, "days"])
        #expect(ClassifierTokenizer.subjectWords("Fwd: WG: Refund") == ["refund"])
        #expect(ClassifierTokenizer.subjectWords("Re: Refund").isEmpty)
    }

    @Test func marksSentenceEnds() {
        let hashes = ClassifierTokenizer.wordHashes("How are you? Going well.", sentenceBreaks: true)
        #expect(hashes.filter { $0 == ClassifierTokenizer.sentenceBreak }.count == 2)
        #expect(hashes[3] == ClassifierTokenizer.sentenceBreak)
    }
}

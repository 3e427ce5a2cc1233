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

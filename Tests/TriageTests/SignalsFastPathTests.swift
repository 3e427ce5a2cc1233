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

/// `ByteWords.asciiBytes` tests eight bytes at once; it must mark the bytes a plain comparison
/// marks, for any bytes and any range it allows.
@Suite struct ByteWordsTests {
    @Test func marksTheBytesInTheRange() {
        var random = SplitMix64(seed: 0xB17E)
        for _ in 0..<50_000 {
            let low = UInt8.random(in: 1...0x7F, using: &random)
            let high = UInt8.random(in: low...0x7F, using: &random)
            // Bytes near the range's ends half the time, any byte otherwise.
            let bytes = (0..<8).map { _ in
                Bool.random(using: &random)
                    ? UInt8(clamping: Int(Bool.random(using: &random) ? low : high) + Int.random(in: -1...1, using: &random))
                    : UInt8.random(in: 0...0xFF, using: &random)
            }
            let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let expected = bytes.enumerated().reduce(UInt64(0)) {
                $0 | ((low...high).contains($1.element) ? UInt64(0x80) << (8 * UInt64($1.offset)) : 0)
            }
            #expect(ByteWords.asciiBytes(in: word, from: low, through: high) == expected, "\(bytes) \(low)...\(high)")
        }
    }
}

/// `scanTyping` takes lower-case letters through a table, and quiet stretches eight bytes at a
/// time; it must count what the reference counts: runs of "!" and "?!", shouted words, question
/// marks.
@Suite struct TypingScanTests {
    /// The same counts stated another way: "!" runs after dropping the "?" that follow a "!"
    /// (they do not end a run), shouted words after dropping continuation bytes.
    static func reference(_ text: String) -> (intensity: Int, hasQuestion: Bool) {
        let bytes = Array(text.utf8)
        var bangs: [UInt8] = []
        for byte in bytes where !(byte == 0x3F && bangs.last == 0x21) { bangs.append(byte) }
        let runs = bangs.split(whereSeparator: { $0 != 0x21 }).filter { $0.count >= 2 }.count
        func isASCIILetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        let words = bytes.filter { !(0x80...0xBF).contains($0) }.split(whereSeparator: { $0 < 0x80 && !isASCIILetter($0) })
        let shouted = words.filter { $0.count >= 3 && $0.allSatisfy { (0x41...0x5A).contains($0) } }.count
        return (runs + shouted / 3, bytes.contains(0x3F))
    }

    /// `scanTyping` against the reference on 20,000 texts of `length` pieces each; how many of
    /// them were loud, so a test can check it saw enough of both kinds.
    static func expectSameCounts(pieces: [String], seed: UInt64, length: ClosedRange<Int>) -> Int {
        var random = SplitMix64(seed: seed)
        var loud = 0
        for _ in 0..<20_000 {
            let text = random.concatenation(of: pieces, count: length)
            let expected = Self.reference(text)
            if expected.intensity > 0 { loud += 1 }
            let found = Signals.scanTyping(text)
            #expect(found.intensity == expected.intensity && found.hasQuestion == expected.hasQuestion, "\(text.debugDescription)")
        }
        return loud
    }

    @Test func countsWhatTheByteLoopCounts() {
        let pieces = ["!", "!!", "?", "?!", "!?", "a", "WHY", "NOW", "ok", "É", "é", "ß", "語", " ", "\n", ".", "ASAP", "x"]
        #expect(Self.expectSameCounts(pieces: pieces, seed: 0x7797, length: 0...16) > 5_000)
    }

    /// Long stretches of lower case, where the scan takes eight bytes at a time, between the
    /// pieces that make it go byte by byte; every alignment of each piece to the eight.
    @Test func countsTheSameWhereItTakesEightBytesAtATime() {
        let pieces = [
            "hello there ", "abcdefgh", "ijklmnopq", " ", "\n", "ok.", "déjà vu ", "naïve", "語語", "é",
            "WHY", "ASAP", "Now", "I", "AB", "!", "!!", "?", "!?", "x", "1234567", "NOT OK!!!",
        ]
        #expect(Self.expectSameCounts(pieces: pieces, seed: 0x5CA1, length: 0...24) > 5_000)
        // A word of capitals split across two eight-byte blocks, at every offset, after lower case.
        for offset in 0..<16 {
            for word in ["ABC", "ABCDEFGHIJ", "AB\u{301}C", "ABc", "aBCD"] {
                for tail in ["", " ", "x", "!!", " SO LOUD NOW"] {
                    let text = String(repeating: "a", count: offset) + " " + word + tail + " lower case after"
                    let expected = Self.reference(text)
                    let found = Signals.scanTyping(text)
                    #expect(found.intensity == expected.intensity && found.hasQuestion == expected.hasQuestion, "\(text.debugDescription)")
                }
            }
        }
    }
}

/// The signals look each word up once, in `SignalWords`; its entries must say what each separate
/// list says, for every word of every list and for words of none.
@Suite struct SignalWordsTests {
    @Test func eachEntryIsWhatTheSeparateListsSay() {
        let lists: [[String]] = [
            Array(Signals.negatorWords), Array(Signals.positiveWords.keys), Array(Signals.negativeWords.keys),
            Signals.languageMarkers.flatMap { Array($0.words) },
            ["how", "hope", "trust", "thanks", "thank", "no", "not", "urgent", "asap", "right", "whenever", "at", "order",
             "parcel", "refund", "hello", "the", "und", "merci", "zzz", "", "<number>"],
        ]
        let words = Set(lists.flatMap { $0 }.flatMap { ClassifierTokenizer.wordHashes($0) }
            + [Signals.politeClosings, Signals.calmPhrases, Signals.urgentPhrases, Signals.howAreYouPhrases]
                .flatMap { $0.phrases.flatMap { $0 } })
        #expect(words.count > 300)
        let looked = Signals.signalWords.lookUp(Array(words) + [ClassifierTokenizer.sentenceBreak])
        let indices = looked.entry
        #expect(indices.last == -1, "a sentence break is no word")
        // The positions to visit: every word with an entry, and the sentence break.
        #expect(looked.known == indices.indices.filter { indices[$0] >= 0 || $0 == indices.count - 1 })
        var found = 0
        for (word, index) in zip(Array(words), indices) {
            let entry = index < 0 ? SignalWords.Entry() : Signals.signalWords.entries[Int(index)]
            if index >= 0 { found += 1 }
            func hash(_ text: String) -> UInt64 { ClassifierTokenizer.normalizedWordHash(text) }
            #expect(entry.negator == Signals.negatorWords.contains { hash($0) == word })
            #expect(entry.positive == Signals.positiveWords.first { hash($0.key) == word }?.value)
            #expect(entry.negative == Signals.negativeWords.first { hash($0.key) == word }?.value)
            #expect(entry.polite == Signals.politeClosings.startList(word))
            #expect(entry.calm == Signals.calmPhrases.startList(word))
            #expect(entry.urgent == Signals.urgentPhrases.startList(word))
            #expect(entry.howAreYou == Signals.howAreYouPhrases.startList(word))
            #expect(entry.languages == Signals.markerBitsByWord[word] ?? 0)
        }
        #expect(found > 250, "\(found)")
    }
}

/// Sentiment, urgency and the how-are-you check visit only the words with a `SignalWords` entry
/// and the sentence breaks; they must decide what visiting every word decided (the loops before,
/// kept here), on word sequences made of the lists' own words, unknown words and breaks.
@Suite struct SparseSignalsTests {
    static func referenceSentiment(words: [UInt64], intensity: Int, hasQuestion: Bool) -> Sentiment {
        let info = Signals.signalWords.lookUp(words).entry
        let entries = Signals.signalWords.entries
        let every = Array(words.indices)
        var formula = [Bool](repeating: false, count: words.count)
        Signals.politeClosings.forEachMatch(in: words, at: every, startList: { info[$0] < 0 ? nil : entries[Int(info[$0])].polite }) {
            phrase, position in
            for offset in 0..<Signals.politeClosings.phrases[phrase].count { formula[position + offset] = true }
        }
        var positive = 0.0
        var negative = 0.0
        var sinceNegator = Int.max
        for index in words.indices {
            if words[index] == ClassifierTokenizer.sentenceBreak {
                sinceNegator = Int.max
                continue
            }
            let entry = info[index] < 0 ? nil : entries[Int(info[index])]
            let negated = sinceNegator <= 3
            if entry?.negator == true { sinceNegator = 0 } else if sinceNegator < Int.max { sinceNegator += 1 }
            if formula[index] { continue }
            if let weight = entry?.positive {
                if negated { negative += weight } else { positive += weight }
            } else if let weight = entry?.negative {
                if !negated { negative += weight }
            }
        }
        return Signals.sentiment(positive: positive, negative: negative, intensity: intensity, hasQuestion: hasQuestion)
    }

    static func referenceUrgency(words: [UInt64], intensity: Int) -> Urgency {
        let info = Signals.signalWords.lookUp(words).entry
        let entries = Signals.signalWords.entries
        let every = Array(words.indices)
        var score = Double(min(intensity, 2))
        var calm = false
        var calmWords = [Bool](repeating: false, count: words.count)
        Signals.calmPhrases.forEachMatch(in: words, at: every, startList: { info[$0] < 0 ? nil : entries[Int(info[$0])].calm }) {
            phrase, position in
            calm = true
            for offset in 0..<Signals.calmPhrases.phrases[phrase].count { calmWords[position + offset] = true }
        }
        Signals.urgentPhrases.forEachMatch(in: words, at: every, startList: { info[$0] < 0 ? nil : entries[Int(info[$0])].urgent }) {
            phrase, position in
            if !calmWords[position] { score += Signals.urgentPhrases.values[phrase] }
        }
        if score >= 2 { return .high }
        return calm ? .low : .normal
    }

    @Test func decideWhatVisitingEveryWordDecided() {
        let texts = ["not", "never", "dont", "happy", "great", "terrible", "bad", "thanks", "thank you", "kind regards",
            "no rush", "not urgent", "urgent", "asap", "right away", "how are you", "hope you are well", "going",
            "the", "parcel", "order", "is", "very", "please", "wie geht es ihnen", "merci", "zzz"]
        let pieces = texts.map { ClassifierTokenizer.wordHashes($0) } + [[ClassifierTokenizer.sentenceBreak]]
        var random = SplitMix64(seed: 0x5E17)
        var seen: Set<String> = []
        for _ in 0..<20_000 {
            let words = random.concatenation(of: pieces, count: 0...14)
            let intensity = Int.random(in: 0...2, using: &random)
            let question = Bool.random(using: &random)
            let sentiment = Signals.sentiment(words: words, intensity: intensity, hasQuestion: question)
            let urgency = Signals.urgency(words: words, intensity: intensity)
            #expect(sentiment == Self.referenceSentiment(words: words, intensity: intensity, hasQuestion: question))
            #expect(urgency == Self.referenceUrgency(words: words, intensity: intensity))
            seen.insert("\(sentiment) \(urgency)")
        }
        // Every outcome was reached, not only the neutral ones.
        #expect(seen.count == 9, "\(seen)")
    }
}

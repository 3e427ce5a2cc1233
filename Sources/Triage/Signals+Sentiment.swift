extension Signals {
    /// How loudly the message is typed: a point for each run of two or more "!" (or "?!"), and
    /// a point for every three shouted words (all capitals, three letters or more), so a
    /// single acronym like "ASAP" or "PDF" does not count as shouting.
    static func intensity(of text: String) -> Int { scanTyping(text).intensity }

    /// One pass over the bytes for the loudness and for whether a "?" occurs. Capitals are
    /// counted for ASCII letters; a word with other letters is never taken for shouting, which
    /// avoids decoding Unicode properties for every character of every mail.
    ///
    /// Eight bytes at a time where nothing in them can count: most of a mail is lower-case words
    /// and spaces, and a byte loop mispredicted a branch at nearly every word's end.
    static func scanTyping(_ text: String) -> (intensity: Int, hasQuestion: Bool) {
        var scan = TypingScan()
        var text = text
        // `withUTF8` gives a plain buffer; the `utf8` view's iterator is several times slower.
        text.withUTF8 { bytes in
            guard let start = bytes.baseAddress else { return }
            Self.typingClasses.withUnsafeBufferPointer { classes in
                let count = bytes.count
                var index = 0
                while index &+ 8 <= count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(start + index).loadUnaligned(as: UInt64.self))
                    if !scan.skipQuiet(word) {
                        for offset in index..<(index &+ 8) { scan.add(bytes[offset], classes: classes) }
                    }
                    index &+= 8
                }
                while index < count {
                    scan.add(bytes[index], classes: classes)
                    index &+= 1
                }
            }
        }
        return scan.result
    }

    /// `scanTyping`'s counts.
    private struct TypingScan {
        var exclamationRuns = 0
        /// The "!" of the current run ("?" inside a run neither ends nor lengthens it).
        var run = 0
        var shouted = 0
        /// Letters and capitals of the current word. Once a word has a lower-case letter
        /// (`upper < letters`) it can no longer be shouted, and only that matters until it ends.
        var letters = 0
        var upper = 0
        var hasQuestion = false

        var result: (intensity: Int, hasQuestion: Bool) {
            var final = self
            final.endWord()
            if final.run >= 2 { final.exclamationRuns += 1 }
            return (final.exclamationRuns + final.shouted / 3, hasQuestion)
        }

        @inline(__always)
        mutating func endWord() {
            if letters >= 3 && upper == letters { shouted += 1 }
            letters = 0
            upper = 0
        }

        @inline(__always)
        mutating func endRun() {
            if run >= 2 { exclamationRuns += 1 }
            run = 0
        }

        @inline(__always)
        mutating func add(_ byte: UInt8, classes: UnsafeBufferPointer<UInt8>) {
            // Lower-case letters (most bytes) end any run of "!" and count as letters: one
            // table look-up instead of the range checks below (~19 instructions a byte).
            if classes[Int(byte)] == Signals.lowerLetter {
                if run != 0 { endRun() }
                letters &+= 1
                return
            }
            if byte == 0x21 {
                run += 1
            } else if byte != 0x3F || run == 0 {
                endRun()
            }
            if byte == 0x3F { hasQuestion = true }
            if byte >= 0x41 && byte <= 0x5A {
                letters += 1
                upper += 1
            } else if (byte >= 0x61 && byte <= 0x7A) || byte >= 0xC0 {
                letters += 1
            } else if byte < 0x80 {
                endWord()
            }
        }

        /// Takes eight bytes (the first in the low byte) at once when none is a capital, "!" or
        /// "?", and the current word cannot be shouted any more or has no letter yet; otherwise
        /// returns false and takes nothing. In such bytes only word ends and letters matter: no
        /// word that ends in them is shouted, any run of "!" ends at the first, and after them the
        /// current word is the letters after the last word end.
        @inline(__always)
        mutating func skipQuiet(_ word: UInt64) -> Bool {
            let capitals = ByteWords.asciiBytes(in: word, from: 0x41, through: 0x5A)
            let marks = ByteWords.asciiBytes(in: word, from: 0x21, through: 0x21)
                | ByteWords.asciiBytes(in: word, from: 0x3F, through: 0x3F)
            guard capitals | marks == 0, letters == 0 || upper < letters else { return false }
            let highBits: UInt64 = 0x8080_8080_8080_8080
            let lower = ByteWords.asciiBytes(in: word, from: 0x61, through: 0x7A)
            // Lead bytes of non-ASCII scalars (0xC0 and up) are letters; continuation bytes are neither.
            let letterBits = lower | (word & (word << 1) & highBits)
            // Word ends: ASCII bytes other than letters (there are no capitals here).
            let ends = ~word & highBits & ~lower
            if run != 0 { endRun() }
            if ends == 0 {
                // The word goes on; a letter makes one that had none unshoutable too.
                if letterBits != 0 { letters &+= 1 }
            } else {
                // Lane of the last word end: letters after it start the next word, in lower case.
                let last = 63 - ends.leadingZeroBitCount
                letters = letterBits >> (last + 1) != 0 ? 1 : 0
                upper = 0
            }
            return true
        }
    }

    /// `scanTyping`'s byte classes: `lowerLetter` for "a"–"z" and the lead bytes of non-ASCII
    /// scalars (letters as far as shouting goes), 0 for every other byte.
    fileprivate static let lowerLetter: UInt8 = 1
    private static let typingClasses: [UInt8] = (0...255).map { (0x61...0x7A).contains($0) || $0 >= 0xC0 ? 1 : 0 }

    static let positiveWords: [String: Double] = [
        "thanks": 1, "thank": 1, "thankyou": 1, "thx": 1, "great": 1, "excellent": 1.5, "amazing": 1.5,
        "wonderful": 1.5, "love": 1.5, "loved": 1.5, "loving": 1, "happy": 1, "pleased": 1, "fantastic": 1.5,
        "perfect": 1, "perfectly": 1, "awesome": 1.5, "brilliant": 1.5, "appreciate": 1, "appreciated": 1,
        "helpful": 1, "delighted": 1.5, "superb": 1.5, "kind": 0.5, "kindly": 0, "good": 0.5, "nice": 0.5,
        "glad": 1, "impressed": 1.5, "outstanding": 1.5, "grateful": 1.5, "quick": 0.5, "quickly": 0.5,
        "smooth": 0.5, "recommend": 1, "lovely": 1, "best": 0.5, "beautiful": 1, "satisfied": 1,
    ]

    static let negativeWords: [String: Double] = [
        "angry": 1.5, "furious": 2, "terrible": 2, "awful": 2, "horrible": 2, "disappointed": 1.5,
        "disappointing": 1.5, "unacceptable": 2, "worst": 2, "useless": 2, "ridiculous": 2, "disgusting": 2,
        "disgraceful": 2, "frustrated": 1.5, "frustrating": 1.5, "annoyed": 1.5, "annoying": 1, "upset": 1.5,
        "poor": 1, "rude": 1.5, "broken": 1, "bad": 1, "hate": 1.5, "scam": 2, "fraud": 2, "incompetent": 2,
        "pathetic": 2, "waste": 1, "unhappy": 1.5, "dissatisfied": 1.5, "complaint": 1, "appalled": 2,
        "appalling": 2, "shocking": 1.5, "outraged": 2, "nightmare": 2, "joke": 1, "fed": 0.5, "sick": 0.5,
        "damaged": 1, "wrong": 0.5, "fail": 1, "failed": 1, "fails": 1, "failing": 1, "error": 0.5,
        "problem": 0.5, "issue": 0.3, "unfortunately": 0.5, "sadly": 0.5, "still": 0.3, "never": 0.5,
        "lousy": 1.5, "crap": 1.5, "rubbish": 1.5, "sucks": 1.5, "hopeless": 1.5, "misleading": 1.5,
        "overcharged": 1.5, "ignored": 1.5, "ignoring": 1.5, "worse": 1.5, "mess": 1,
    ]

    /// Words that turn the polarity of the next few words ("not happy", "never helpful").
    static let negatorWords: Set<String> = [
        "not", "no", "never", "dont", "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "cant", "cannot",
        "wont", "wouldnt", "hardly", "nothing", "without", "nor", "neither",
    ]

    /// Positive words that are formulas rather than feelings ("thanks in advance" closes a
    /// request; it praises nothing).
    static let politeClosings = PhraseMatcher(["thanks in advance", "thank you in advance", "thanks for your time"])

    /// Negative, neutral or positive from a weighted word list with negation, with loud typing
    /// amplifying the mood: enthusiasm when the words are positive, anger otherwise.
    static func sentiment(words: [UInt64], intensity: Int, hasQuestion: Bool) -> Sentiment {
        sentiment(words: words, info: signalWords.lookUp(words), intensity: intensity, hasQuestion: hasQuestion)
    }

    /// `info` holds each word's `SignalWords` entry, looked up once for all the signals; only the
    /// words with an entry and the sentence breaks are visited.
    static func sentiment(words: [UInt64], info: WordInfo, intensity: Int, hasQuestion: Bool) -> Sentiment {
        // Globals read once: each access of a lazy static costs a check in the loop.
        let entries = signalWords.entries
        let politeClosings = politeClosings
        let entry = info.entry
        var formula = [Bool](repeating: false, count: words.count)
        politeClosings.forEachMatch(in: words, at: info.known, startList: { entry[$0] < 0 ? nil : entries[Int(entry[$0])].polite }) {
            phrase, position in
            for offset in 0..<politeClosings.phrases[phrase].count { formula[position + offset] = true }
        }
        var positive = 0.0
        var negative = 0.0
        // A negator turns the four words after it, within its sentence.
        var lastNegator: Int?
        for index in info.known {
            if words[index] == ClassifierTokenizer.sentenceBreak {
                lastNegator = nil
                continue
            }
            let found = entries[Int(entry[index])]
            let negated = lastNegator.map { index - $0 <= 4 } ?? false
            if found.negator { lastNegator = index }
            if formula[index] { continue }
            if let weight = found.positive {
                if negated { negative += weight } else { positive += weight }
            } else if let weight = found.negative {
                // "not bad" is faint praise at most: it only cancels.
                if !negated { negative += weight }
            }
        }
        return Self.sentiment(positive: positive, negative: negative, intensity: intensity, hasQuestion: hasQuestion)
    }

    /// The sentiment of a message whose words weighed `positive` and `negative` in all.
    static func sentiment(positive: Double, negative: Double, intensity: Int, hasQuestion: Bool) -> Sentiment {
        var score = positive - negative
        if intensity > 0 { score += score > 0 ? 0.5 * Double(intensity) : -Double(intensity) }
        // A question with a polite "thanks" is a request, not praise.
        let positiveBar = hasQuestion ? 2.0 : 1.0
        if score <= -1 { return .negative }
        if score >= positiveBar { return .positive }
        return .neutral
    }
}

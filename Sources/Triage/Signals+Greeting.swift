extension Signals {
    /// The common ways of asking after someone, as normalised words (apostrophes dropped).
    static let howAreYouPhrases = PhraseMatcher([
        "how are you", "how are u", "how r you", "how r u", "hows it going", "how is it going", "how have you been",
        "how are things", "hows things", "how is everything", "hows everything",
        "how you doing", "how do you do", "how is your day", "hows your day", "how was your weekend",
        "how is your week", "hows your week", "hope you are well", "hope youre well", "hope you re well",
        "hope ur well", "hope you are doing well", "hope youre doing well", "hope you are keeping well",
        "hope youre keeping well", "hope you are good", "hope youre good", "hope you are doing good",
        "hope youre doing good", "hope you are fine", "hope you are doing fine", "hope youre doing fine",
        "hope this finds you well", "hope this finds you", "hope this email finds you", "hope this message finds you",
        "hope this mail finds you", "hope this note finds you", "hope this letter finds you", "hope all is well",
        "hope all is good", "hope everything is well", "hope everything is good", "hope you had a good",
        "hope you had a great", "hope you had a nice", "hope you are having a", "hope youre having a",
        "trust you are well", "trust youre well", "trust this finds you", "trust this email finds you",
        "trust all is well", "hope your day is going", "hope your week is going", "hope you are safe",
        "hope you are staying safe", "hope you and your", "hope you are all well", "hope you all are well",
        "how are you all", "how are you guys", "how is your day going", "hows your day going", "hows life",
        "how is life", "whats up", "wie geht es ihnen", "wie gehts", "comment allez vous", "comment ça va",
        "como esta", "como estas", "come sta",
    ])

    /// After "how are you", these words mean the customer is asking how we will do something
    /// ("how are you going to fix this?"), not how we are.
    static let howAreYouDoingSomething = WordSet(Set([
        "going", "gonna", "supposed", "planning", "able", "allowed", "still", "even", "charging", "meant",
        "expecting", "handling", "dealing", "fixing", "getting", "justifying", "now", "so",
        "unable", "not", "then", "ever", "possibly", "telling",
    ]))

    /// Words after "how are you doing" that still make it a greeting.
    static let greetingContinuations = WordSet(
        Set(["today", "well", "all", "guys", "there", "lately", "sir", "madam"]))

    private static let how = ClassifierTokenizer.normalizedWordHash("how")
    private static let are: Set<UInt64> = Set(["are", "r"].map(ClassifierTokenizer.normalizedWordHash))
    private static let doing = ClassifierTokenizer.normalizedWordHash("doing")

    /// Whether the customer asked how we are, in any common wording. `words` carries sentence
    /// breaks, so "How are you going to fix this?" is told from "How are you? Going…".
    static func asksHowAreYou(words: [UInt64]) -> Bool {
        asksHowAreYou(words: words, info: signalWords.lookUp(words))
    }

    /// `info` holds each word's `SignalWords` entry, looked up once for all the signals.
    static func asksHowAreYou(words: [UInt64], info: WordInfo) -> Bool {
        let entries = signalWords.entries
        let entry = info.entry
        var found = false
        howAreYouPhrases.forEachMatch(in: words, at: info.known, startList: { entry[$0] < 0 ? nil : entries[Int(entry[$0])].howAreYou }) {
            phrase, position in
            if !found && isGreeting(howAreYouPhrases.phrases[phrase], words: words, at: position) { found = true }
        }
        return found
    }

    private static func isGreeting(_ phrase: [UInt64], words: [UInt64], at index: Int) -> Bool {
        guard phrase.count >= 3, phrase[0] == how, are.contains(phrase[1]) else { return true }
        let after = index + phrase.count
        guard after < words.count, words[after] != ClassifierTokenizer.sentenceBreak else { return true }
        let next = words[after]
        if next == doing {
            // "how are you doing today" greets; "how are you doing this to me" does not.
            return after + 1 >= words.count || words[after + 1] == ClassifierTokenizer.sentenceBreak
                || greetingContinuations.contains(words[after + 1])
        }
        return !howAreYouDoingSomething.contains(next)
    }
}

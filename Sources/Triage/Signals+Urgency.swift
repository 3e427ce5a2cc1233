extension Signals {
    static let urgentPhrases = PhraseMatcher([
        ("urgent", 2), ("urgently", 2), ("asap", 2), ("as soon as possible", 2), ("immediately", 2),
        ("emergency", 2), ("right away", 1.5), ("right now", 1.5), ("straight away", 1.5), ("today", 1),
        ("tonight", 1), ("by tomorrow", 1), ("deadline", 1), ("time sensitive", 2), ("critical", 1.5),
        ("still waiting", 1), ("still not", 0.5), ("no response", 1), ("no reply", 1), ("third time", 1),
        ("lawyer", 1.5), ("legal action", 1.5), ("chargeback", 1.5), ("trading standards", 1.5),
        ("final warning", 2), ("last chance", 1.5), ("within 24 hours", 1.5), ("cannot wait", 1.5),
        ("cant wait any longer", 1.5), ("high priority", 2), ("top priority", 2), ("quickly", 0.5),
    ])

    static let calmPhrases = PhraseMatcher([
        "no rush", "no hurry", "not urgent", "isnt urgent", "not in a hurry", "whenever you", "when you get a chance",
        "when you have a moment", "when you have time", "at your convenience", "at your leisure", "in your own time",
        "when you get the chance", "no pressure",
    ])

    /// High when urgent words, deadlines or escalation threats add up (loud typing adds one
    /// point); low when the customer says there is no rush and nothing urgent was said.
    static func urgency(words: [UInt64], intensity: Int) -> Urgency {
        urgency(words: words, info: signalWords.lookUp(words), intensity: intensity)
    }

    /// `info` holds each word's `SignalWords` entry, looked up once for all the signals.
    static func urgency(words: [UInt64], info: WordInfo, intensity: Int) -> Urgency {
        let entries = signalWords.entries
        let entry = info.entry
        let calmPhrases = calmPhrases
        let urgentPhrases = urgentPhrases
        var score = Double(min(intensity, 2))
        var calm = false
        var calmWords = [Bool](repeating: false, count: words.count)
        calmPhrases.forEachMatch(in: words, at: info.known, startList: { entry[$0] < 0 ? nil : entries[Int(entry[$0])].calm }) {
            phrase, position in
            calm = true
            for offset in 0..<calmPhrases.phrases[phrase].count { calmWords[position + offset] = true }
        }
        urgentPhrases.forEachMatch(in: words, at: info.known, startList: { entry[$0] < 0 ? nil : entries[Int(entry[$0])].urgent }) {
            phrase, position in
            // "not urgent" was counted as calm; its "urgent" must not count again.
            if !calmWords[position] { score += urgentPhrases.values[phrase] }
        }
        if score >= 2 { return .high }
        return calm ? .low : .normal
    }
}

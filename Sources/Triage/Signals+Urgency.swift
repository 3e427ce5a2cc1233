extension Signals {
    static let urgentPhrases: [(words: [String], weight: Double)] = [
        ("urgent", 2), ("urgently", 2), ("asap", 2), ("as soon as possible", 2), ("immediately", 2),
        ("emergency", 2), ("right away", 1.5), ("right now", 1.5), ("straight away", 1.5), ("today", 1),
        ("tonight", 1), ("by tomorrow", 1), ("deadline", 1), ("time sensitive", 2), ("critical", 1.5),
        ("still waiting", 1), ("still not", 0.5), ("no response", 1), ("no reply", 1), ("third time", 1),
        ("lawyer", 1.5), ("legal action", 1.5), ("chargeback", 1.5), ("trading standards", 1.5),
        ("final warning", 2), ("last chance", 1.5), ("within 24 hours", 1.5), ("cannot wait", 1.5),
        ("cant wait any longer", 1.5), ("high priority", 2), ("top priority", 2), ("quickly", 0.5),
    ].map { (ClassifierTokenizer.words($0.0), $0.1) }

    static let calmPhrases = phrases([
        "no rush", "no hurry", "not urgent", "isnt urgent", "not in a hurry", "whenever you", "when you get a chance",
        "when you have a moment", "when you have time", "at your convenience", "at your leisure", "in your own time",
        "when you get the chance", "no pressure",
    ])

    /// High when urgent words, deadlines or escalation threats add up (loud typing adds one
    /// point); low when the customer says there is no rush and nothing urgent was said.
    static func urgency(words: [String], intensity: Int) -> Urgency {
        var score = Double(min(intensity, 2))
        var calm = false
        for index in words.indices {
            if calmPhrases.contains(where: { matches($0, in: words, at: index) }) {
                calm = true
                continue
            }
            // "not urgent" was counted as calm above; its "urgent" must not count again.
            if index > 0, words[index - 1] == "not" || words[index - 1] == "isnt" { continue }
            for phrase in urgentPhrases where matches(phrase.words, in: words, at: index) {
                score += phrase.weight
            }
        }
        if score >= 2 { return .high }
        return calm ? .low : .normal
    }
}

import Foundation

/// What the classifier decided about one message, and why. Encodes to the JSON that
/// `tact classify --json` prints: `category`, `confidence`, `runner_up`, `evidence`,
/// `sentiment`, `urgency`, `asks_how_are_you`, `order_numbers`, `language`, `uncertain`
/// (plus `evidence_weights` and `uncertain_reasons` for tools that want the detail).
public struct Classification: Codable, Equatable, Sendable {
    /// The best guess, even when `uncertain`.
    public var category: Category
    /// The best guess's share of the evidence, 0…1.
    public var confidence: Double
    /// The next most likely category.
    public var runnerUp: Category?
    /// The phrases that weighed most for `category` over `runnerUp`, strongest first.
    public var evidence: [String]
    /// How much each phrase of `evidence` weighed (log-odds).
    public var evidenceWeights: [Double]
    /// Sentiment, urgency, greeting, order numbers and language.
    public var signals: Signals
    /// True when a person or an open question should come first: low confidence or a language
    /// without a template.
    public var uncertain: Bool
    /// Why `uncertain` is true; empty otherwise.
    public var uncertainReasons: [String]

    public init(
        category: Category, confidence: Double, runnerUp: Category?, evidence: [String], evidenceWeights: [Double],
        signals: Signals, uncertain: Bool, uncertainReasons: [String]
    ) {
        self.category = category
        self.confidence = confidence
        self.runnerUp = runnerUp
        self.evidence = evidence
        self.evidenceWeights = evidenceWeights
        self.signals = signals
        self.uncertain = uncertain
        self.uncertainReasons = uncertainReasons
    }

    enum CodingKeys: String, CodingKey {
        case category, confidence, evidence, uncertain
        case runnerUp = "runner_up"
        case evidenceWeights = "evidence_weights"
        case uncertainReasons = "uncertain_reasons"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        category = try container.decode(Category.self, forKey: .category)
        confidence = try container.decode(Double.self, forKey: .confidence)
        runnerUp = try container.decodeIfPresent(Category.self, forKey: .runnerUp)
        evidence = try container.decode([String].self, forKey: .evidence)
        evidenceWeights = try container.decodeIfPresent([Double].self, forKey: .evidenceWeights) ?? []
        uncertain = try container.decode(Bool.self, forKey: .uncertain)
        uncertainReasons = try container.decodeIfPresent([String].self, forKey: .uncertainReasons) ?? []
        signals = try Signals(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(category, forKey: .category)
        try container.encode(confidence, forKey: .confidence)
        // Written as null rather than left out, so the key is always there for scripts.
        try container.encode(runnerUp, forKey: .runnerUp)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(evidenceWeights, forKey: .evidenceWeights)
        try container.encode(uncertain, forKey: .uncertain)
        try container.encode(uncertainReasons, forKey: .uncertainReasons)
        try signals.encode(to: encoder)
    }

    /// The reasoning as a few readable lines, for `tact classify --explain`.
    public var explanation: String {
        var lines: [String] = []
        let runner = runnerUp.map { ", runner-up \($0)" } ?? ""
        lines.append("category:   \(category) (confidence \(Self.percent(confidence))\(runner))")
        if evidence.isEmpty {
            lines.append("evidence:   none (no known words; the category is a guess)")
        } else {
            let weighed = zip(evidence, evidenceWeights + Array(repeating: .nan, count: evidence.count))
                .map { phrase, weight in
                    weight.isNaN ? "\"\(phrase)\"" : "\"\(phrase)\" (+\(String(format: "%.2f", weight)))"
                }
            lines.append("evidence:   " + weighed.joined(separator: ", "))
        }
        lines.append("sentiment:  \(signals.sentiment)")
        lines.append("urgency:    \(signals.urgency)")
        lines.append("greeting:   " + (signals.asksHowAreYou ? "asks how we are" : "does not ask how we are"))
        lines.append(
            "references: " + (signals.orderNumbers.isEmpty ? "none" : signals.orderNumbers.joined(separator: ", ")))
        lines.append("language:   \(signals.language)")
        lines.append(
            "uncertain:  " + (uncertain ? "yes, " + uncertainReasons.joined(separator: "; ") : "no"))
        return lines.joined(separator: "\n")
    }

    static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
}

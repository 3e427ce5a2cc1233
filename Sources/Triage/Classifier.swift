import Foundation

/// Settings that a deployment may change; the defaults live here and nowhere else.
public struct ClassifierOptions: Equatable, Sendable {
    /// Below this confidence the result is `uncertain` (drafting then asks an open question).
    /// 0.4 flagged 4 of the 9 held-out mistakes and 18 of the 111 right answers.
    public var uncertainBelow: Double
    /// Languages (ISO 639-1 codes) that have reply templates; mail in any other language is
    /// `uncertain`.
    public var templateLanguages: Set<String>
    /// How many phrases to report as evidence.
    public var evidenceCount: Int

    public init(uncertainBelow: Double = 0.4, templateLanguages: Set<String> = ["en"], evidenceCount: Int = 5) {
        self.uncertainBelow = uncertainBelow
        self.templateLanguages = templateLanguages
        self.evidenceCount = evidenceCount
    }
}

/// The explainable classifier: a naive Bayes model over the words and word pairs of the
/// subject and the customer's own words, plus weighted phrase rules, with the signals the
/// drafting and linting stages need.
///
/// ```swift
/// let classifier = try Classifier.shipped()
/// let result = classifier.classify(subject: "Where is my parcel?", text: inbound.ownText)
/// print(result.category, result.confidence, result.explanation)
/// ```
///
/// It never returns `automated`: machine mail is recognised by suppression before this runs.
public struct Classifier: Sendable {
    /// The model the classifier was built from.
    public let model: ClassifierModel
    /// The phrase rules in effect (the model's own unless others were given).
    public let rules: PhraseRules
    public var options: ClassifierOptions

    private let weights: ClassifierWeights

    /// Builds a classifier from a model.
    /// - Parameters:
    ///   - model: a trained model.
    ///   - rules: phrase rules to use instead of those stored in the model (a deployment's
    ///     edited rule file); `nil` keeps the model's.
    ///   - options: threshold and template languages.
    /// - Throws: `ClassifierError.invalidRule` when a rule names a category the model lacks.
    public init(model: ClassifierModel, rules: PhraseRules? = nil, options: ClassifierOptions = ClassifierOptions())
        throws
    {
        self.model = model
        self.rules = rules ?? model.rules
        self.options = options
        self.weights = try ClassifierWeights(model: model, rules: self.rules)
    }

    /// The classifier built from the model shipped with Tact.
    public static func shipped(options: ClassifierOptions = ClassifierOptions()) throws -> Classifier {
        try Classifier(model: .shipped(), options: options)
    }

    /// Classifies one message.
    /// - Parameters:
    ///   - subject: the decoded subject.
    ///   - text: the customer's own words, without quoted history or signature.
    /// - Returns: the category, confidence, runner-up, evidence and signals.
    public func classify(subject: String, text: String) -> Classification {
        let subjectWords = ClassifierTokenizer.wordHashes(subject, sentenceBreaks: true)
        let textWords = ClassifierTokenizer.wordHashes(text, sentenceBreaks: true)
        let signals = Signals(subject: subject, text: text, subjectWords: subjectWords, textWords: textWords)
        let scored = weights.score(
            subjectWords: ClassifierTokenizer.withoutReplyMarkers(subjectWords), textWords: textWords,
            context: ClassifierVocabulary.contextFeatures(
                sentiment: signals.sentiment, asks: ClassifierVocabulary.asks(text)),
            evidenceCount: options.evidenceCount)
        var reasons: [String] = []
        if scored.confidence < options.uncertainBelow {
            reasons.append(
                "confidence \(Classification.percent(scored.confidence)) is under the "
                    + "\(Classification.percent(options.uncertainBelow)) threshold")
        }
        if !options.templateLanguages.contains(signals.language) {
            reasons.append("language '\(signals.language)' has no reply template")
        }
        return Classification(
            category: scored.category, confidence: scored.confidence, runnerUp: scored.runnerUp,
            evidence: scored.evidence.map(\.phrase), evidenceWeights: scored.evidence.map(\.weight),
            signals: signals, uncertain: !reasons.isEmpty, uncertainReasons: reasons)
    }

    /// The category alone, without signals (for evaluation and throughput measurements).
    public func category(subject: String, text: String) -> Category {
        weights.score(subject: subject, text: text, evidenceCount: 0).category
    }
}

import Foundation
import Testing

@testable import Triage

/// The classifier scores word hashes through open-addressing tables and buffer pointers, for
/// speed. These tests hold it to the textbook definition, computed here from the model's counts
/// and the features training would give the same message as text: naive Bayes over the distinct
/// features, the softened confidence, and the evidence.
@Suite struct ClassifierReferenceTests {
    /// What the definition gives for one message.
    struct Reference {
        var scores: [Double]
        var matched: Int
        /// Features matched besides the whole-message context ones.
        var words: Int
        var evidence: [(phrase: String, weight: Double)]
    }

    /// log P(feature | category) of every feature, from the model's counts with its smoothing.
    static func logLikelihoods(_ model: ClassifierModel) -> [String: [Double]] {
        let columns = model.categories.count
        var totals = [Double](repeating: 0, count: columns)
        for (_, counts) in model.features.sorted(by: { $0.key < $1.key }) {
            for column in 0..<columns { totals[column] += Double(counts[column]) }
        }
        let vocabulary = Double(model.features.count)
        return model.features.mapValues { counts in
            (0..<columns).map {
                log((Double(counts[$0]) + model.smoothing) / (totals[$0] + model.smoothing * vocabulary))
            }
        }
    }

    static func reference(
        model: ClassifierModel, logLikelihoods: [String: [Double]], subject: String, text: String
    ) -> Reference {
        let columns = model.categories.count
        func logLikelihood(_ feature: String, _ column: Int) -> Double { logLikelihoods[feature]![column] }
        var scores = [Double](repeating: 0, count: columns)
        var matched: [String] = []
        for feature in ClassifierModel.featureTexts(subject: subject, text: text).sorted() {
            guard model.features[feature] != nil else { continue }
            matched.append(feature)
            for column in 0..<columns { scores[column] += logLikelihood(feature, column) }
        }
        let (best, second) = Self.topTwo(scores)
        let context = Set(ClassifierVocabulary.contextFeatures(subject: subject, text: text))
        var evidence: [(phrase: String, weight: Double)] = []
        for feature in matched where !context.contains(feature) {
            let weight = logLikelihood(feature, best) - logLikelihood(feature, second)
            if weight > 0 { evidence.append((ClassifierVocabulary.readable(feature), weight)) }
        }
        evidence.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.phrase < $1.phrase }
        return Reference(
            scores: scores, matched: matched.count, words: matched.filter { !context.contains($0) }.count,
            evidence: evidence)
    }

    /// Winner and runner-up, ties to the earlier category.
    static func topTwo(_ scores: [Double]) -> (Int, Int) {
        var best = 0
        for column in 1..<scores.count where scores[column] > scores[best] { best = column }
        var second = -1
        for column in scores.indices where column != best && (second < 0 || scores[column] > scores[second]) {
            second = column
        }
        return (best, second)
    }

    static var corpus: [LabeledText] {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            return try ["corpus/train", "corpus/heldout"].flatMap {
                try ClassifierCorpus.load(directory: root.appendingPathComponent($0).path)
            }
        }
    }

    /// Every corpus message, and each with its text and subject swapped, shouted and cut short.
    static var samples: [(subject: String, text: String)] {
        get throws {
            var samples: [(subject: String, text: String)] = []
            for sample in try Self.corpus {
                samples.append((sample.subject, sample.text))
                samples.append((String(sample.text.prefix(60)), sample.subject))
                samples.append(("Re: " + sample.subject.uppercased(), String(sample.text.prefix(200)) + "!!! NOT OK"))
            }
            return samples
        }
    }

    /// Category, runner-up, confidence and the full evidence list of every sample, as the
    /// definition gives them.
    static func expectScoresAsDefined(model: ClassifierModel, samples: [(subject: String, text: String)]) throws {
        // Without the phrase rules, which the definition above leaves out.
        var model = model
        model.rules = PhraseRules()
        let classifier = try Classifier(model: model, options: ClassifierOptions(evidenceCount: 100_000))
        let logLikelihoods = Self.logLikelihoods(model)
        #expect(samples.count > 1_000)
        var compared = 0
        for (subject, text) in samples {
            let expected = Self.reference(
                model: model, logLikelihoods: logLikelihoods, subject: subject, text: text)
            let result = classifier.classify(subject: subject, text: text)
            let (best, second) = Self.topTwo(expected.scores)
            let gap = expected.scores[best] - expected.scores[second]
            // Summing in another order may move the last bits: a near-tie can go either way.
            guard gap > 1e-9 else { continue }
            compared += 1
            #expect(result.category == model.categories[best], "\(subject) | \(text)")
            #expect(result.runnerUp == model.categories[second], "\(subject) | \(text)")
            let confidence = expected.words == 0
                ? 1 / Double(model.categories.count)
                : ClassifierWeights.confidence(scores: expected.scores, best: best, features: expected.matched)
            #expect(abs(result.confidence - confidence) < 1e-9, "\(subject): \(result.confidence) vs \(confidence)")
            #expect(result.evidence == expected.evidence.map(\.phrase), "\(subject) | \(text)")
            #expect(zip(result.evidenceWeights, expected.evidence.map(\.weight)).allSatisfy { abs($0 - $1) < 1e-9 })
        }
        #expect(compared > samples.count * 9 / 10, "\(compared) of \(samples.count) compared")
    }

    @Test func theShippedModelScoresEveryCorpusMessageAsTheDefinitionDoes() throws {
        try Self.expectScoresAsDefined(model: try ClassifierModel.shipped(), samples: try Self.samples)
    }

    /// Scores are summed eight categories at a time: a deployment that trains on more than eight
    /// categories uses rows of several chunks, and must score as the definition does too.
    @Test func aModelOfSeventeenCategoriesScoresAsTheDefinitionDoes() throws {
        let corpus = try Self.corpus
        // Each category split in two by the sample's position, and one more category: 17 columns,
        // so three chunks of eight, the last one holding a single category.
        var labeled = corpus.enumerated().map { index, sample in
            LabeledText(category: Category("\(sample.category.rawValue)-\(index % 2)"), subject: sample.subject, text: sample.text)
        }
        labeled.append(LabeledText(category: Category("zz-other"), subject: "lunch menu", text: "soup of the day and bread"))
        let model = try ClassifierModel.train(labeled)
        #expect(model.categories.count == 17)
        try Self.expectScoresAsDefined(model: model, samples: try Self.samples)
    }
}

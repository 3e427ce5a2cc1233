import Foundation

/// A labeled message for training or evaluation: its category, its subject and the
/// customer's own words (quoted history and signature already removed).
public struct LabeledText: Equatable, Sendable {
    public var category: Category
    public var subject: String
    public var text: String

    public init(category: Category, subject: String, text: String) {
        self.category = category
        self.subject = subject
        self.text = text
    }
}

/// The trained model: how many training messages of each category contained each word and
/// word pair (a multinomial naive Bayes over binary features), plus the phrase rules.
///
/// Counts rather than probabilities are stored so the file is exact, diffable and the same
/// bytes every time the same corpus is trained (`jsonData()` sorts its keys).
public struct ClassifierModel: Codable, Equatable, Sendable {
    /// The format of the file; bumped when the meaning of a field changes.
    public static let formatVersion = 1

    public var format: Int
    /// The categories in a fixed order; the counts below are indexed by it.
    public var categories: [Category]
    /// Laplace smoothing added to every count.
    public var smoothing: Double
    /// Training messages per category.
    public var documents: [Int]
    /// Feature text ("refund", "money back", "<number>") → messages per category containing it.
    public var features: [String: [Int]]
    /// The phrase rules applied on top of the learned weights.
    public var rules: PhraseRules

    /// Trains a model from labeled messages.
    /// - Parameters:
    ///   - samples: the labeled messages; at least two categories must be present.
    ///   - rules: phrase rules to ship with the model.
    ///   - smoothing: Laplace smoothing added to every count (1, the textbook value, measured
    ///     best on held-out mail).
    ///   - minimumCount: word pairs seen in fewer messages are dropped: one-off pairs are noise
    ///     that fits the training set and nothing else.
    /// - Throws: `ClassifierError` when there is nothing to learn or a label is reserved.
    public static func train(
        _ samples: [LabeledText], rules: PhraseRules = PhraseRules(), smoothing: Double = 1,
        minimumCount: Int = 2
    ) throws -> ClassifierModel {
        guard !samples.isEmpty else { throw ClassifierError.noTrainingData("the training set") }
        if samples.contains(where: { $0.category == .automated }) {
            throw ClassifierError.reservedCategory(.automated)
        }
        let categories = Array(Set(samples.map(\.category))).sorted()
        guard categories.count >= 2 else { throw ClassifierError.tooFewCategories(categories) }
        let position = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        var documents = [Int](repeating: 0, count: categories.count)
        var counts: [String: [Int]] = [:]
        for sample in samples {
            let column = position[sample.category]!
            documents[column] += 1
            for feature in featureTexts(subject: sample.subject, text: sample.text) {
                counts[feature, default: [Int](repeating: 0, count: categories.count)][column] += 1
            }
        }
        let kept = counts.filter { feature, perCategory in
            !feature.contains(" ") || perCategory.reduce(0, +) >= minimumCount
        }
        return ClassifierModel(
            format: formatVersion, categories: categories, smoothing: smoothing, documents: documents,
            features: kept, rules: rules)
    }

    /// The distinct features of a message as text: words and adjacent word pairs of the subject
    /// and of the text (pairs never span the two), a mood marker for praise or anger words, and
    /// the whole-message context (overall sentiment, whether it asks).
    static func featureTexts(subject: String, text: String) -> Set<String> {
        var features = Set<String>()
        for field in [ClassifierTokenizer.subjectWords(subject), ClassifierTokenizer.words(text)] {
            for (index, word) in field.enumerated() {
                features.insert(word)
                if let marker = ClassifierVocabulary.marker(for: word) { features.insert(marker) }
                if index > 0 { features.insert(field[index - 1] + " " + word) }
            }
        }
        features.formUnion(ClassifierVocabulary.contextFeatures(subject: subject, text: text))
        return features
    }

    /// Reads a model file's bytes.
    /// - Throws: `ClassifierError.invalidModel` when the JSON is damaged or inconsistent.
    public init(jsonData: Data) throws {
        let decoded: ClassifierModel
        do {
            decoded = try JSONDecoder().decode(ClassifierModel.self, from: jsonData)
        } catch {
            throw ClassifierError.invalidModel("not a model file (\(error))")
        }
        try decoded.validate()
        self = decoded
    }

    private init(
        format: Int, categories: [Category], smoothing: Double, documents: [Int], features: [String: [Int]],
        rules: PhraseRules
    ) {
        self.format = format
        self.categories = categories
        self.smoothing = smoothing
        self.documents = documents
        self.features = features
        self.rules = rules
    }

    /// The model as JSON, byte-for-byte the same for the same training input.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// The model shipped with Tact, trained from the project's corpus.
    /// - Throws: `ClassifierError.invalidModel` if the resource is missing or damaged.
    public static func shipped() throws -> ClassifierModel {
        guard let url = Bundle.module.url(forResource: "model", withExtension: "json", subdirectory: "Model") else {
            throw ClassifierError.invalidModel("Model/model.json is missing from the Triage resources")
        }
        return try ClassifierModel(jsonData: Data(contentsOf: url))
    }

    private func validate() throws {
        guard format == Self.formatVersion else {
            throw ClassifierError.invalidModel("format \(format) is not the supported \(Self.formatVersion)")
        }
        guard categories.count >= 2, Set(categories).count == categories.count else {
            throw ClassifierError.invalidModel("it needs at least two distinct categories")
        }
        guard !categories.contains(.automated) else {
            throw ClassifierError.invalidModel("it lists 'automated', which only suppression may decide")
        }
        guard documents.count == categories.count, smoothing > 0, smoothing.isFinite else {
            throw ClassifierError.invalidModel("document counts or smoothing do not match its categories")
        }
        if let bad = features.first(where: { $0.value.count != categories.count || $0.value.contains { $0 < 0 } }) {
            throw ClassifierError.invalidModel("feature '\(bad.key)' does not have one count per category")
        }
    }
}

import Foundation

/// A small set of weighted phrase rules that a deployment can read and edit: when a phrase
/// occurs in a message, its weight is added to its category's score (the same log-odds scale as
/// the learned model, so `+2` makes the category about e^2 ≈ 7 times more likely).
///
/// The file format is one rule a line, `#` starts a comment:
///
/// ```
/// # category     weight  phrase
/// refund         +2.5    money back
/// cancellation   +2.0    cancel my subscription
/// praise         -1.0    not happy
/// ```
///
/// Phrases are matched on words, the way the model reads them: case, punctuation and
/// apostrophes are ignored, and any number matches any number.
public struct PhraseRules: Codable, Equatable, Sendable {
    /// One rule: a phrase that moves a category's score.
    public struct Rule: Codable, Equatable, Sendable {
        public var category: Category
        public var weight: Double
        public var phrase: String

        public init(category: Category, weight: Double, phrase: String) {
            self.category = category
            self.weight = weight
            self.phrase = phrase
        }
    }

    /// The rules in file order.
    public var rules: [Rule]

    public init(rules: [Rule] = []) { self.rules = rules }

    /// Reads rules from the text of a rule file.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the name used in error messages.
    /// - Throws: `ClassifierError.invalidRule` naming the line that is wrong.
    public init(parsing text: String, file: String = "classifier rules") throws {
        var rules: [Rule] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            let number = offset + 1
            guard fields.count >= 3 else {
                throw ClassifierError.invalidRule(file: file, line: number, reason: "a rule needs three fields")
            }
            guard let weight = Double(fields[1]), weight.isFinite else {
                throw ClassifierError.invalidRule(
                    file: file, line: number, reason: "weight '\(fields[1])' is not a number")
            }
            let category = Category(String(fields[0]))
            if category == .automated {
                throw ClassifierError.invalidRule(
                    file: file, line: number, reason: "'automated' is decided by suppression, not by rules")
            }
            let phrase = fields[2...].joined(separator: " ")
            guard !ClassifierTokenizer.words(phrase).isEmpty else {
                throw ClassifierError.invalidRule(
                    file: file, line: number, reason: "phrase '\(phrase)' has no words")
            }
            rules.append(Rule(category: category, weight: weight, phrase: phrase))
        }
        self.rules = rules
    }

    /// Reads a rule file from disk.
    /// - Throws: `ClassifierError.unreadableInput` or `.invalidRule`.
    public init(contentsOfFile path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ClassifierError.unreadableInput(path, "\(error.localizedDescription)")
        }
        try self.init(parsing: text, file: path)
    }
}

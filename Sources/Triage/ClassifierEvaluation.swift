/// How well a classifier does on labeled messages it was not trained on: per-category
/// precision and recall, macro-F1 and the confusion matrix.
public struct ClassifierEvaluation: Sendable {
    /// The categories in the report, in order (the model's and any others in the labels).
    public let categories: [Category]
    /// `confusion[actual][predicted]` = number of messages.
    public let confusion: [Category: [Category: Int]]
    /// Messages evaluated.
    public let total: Int

    /// Classifies every sample and tallies the outcome.
    public init(classifier: Classifier, samples: [LabeledText]) {
        var confusion: [Category: [Category: Int]] = [:]
        for sample in samples {
            let predicted = classifier.category(subject: sample.subject, text: sample.text)
            confusion[sample.category, default: [:]][predicted, default: 0] += 1
        }
        self.init(confusion: confusion, categories: classifier.model.categories)
    }

    /// An evaluation from a confusion matrix already counted.
    public init(confusion: [Category: [Category: Int]], categories: [Category] = []) {
        var all = categories
        for (actual, row) in confusion {
            for category in [actual] + Array(row.keys) where !all.contains(category) { all.append(category) }
        }
        self.categories = all
        self.confusion = confusion
        self.total = confusion.values.reduce(0) { $0 + $1.values.reduce(0, +) }
    }

    private func count(actual: Category, predicted: Category) -> Int { confusion[actual]?[predicted] ?? 0 }

    /// Of the messages predicted as `category`, the share that were; `nil` if none were predicted.
    public func precision(_ category: Category) -> Double? {
        let predicted = categories.reduce(0) { $0 + count(actual: $1, predicted: category) }
        return predicted == 0 ? nil : Double(count(actual: category, predicted: category)) / Double(predicted)
    }

    /// Of the messages that were `category`, the share found; `nil` if there were none.
    public func recall(_ category: Category) -> Double? {
        let actual = confusion[category]?.values.reduce(0, +) ?? 0
        return actual == 0 ? nil : Double(count(actual: category, predicted: category)) / Double(actual)
    }

    /// The harmonic mean of precision and recall (0 when either is missing or zero).
    public func f1(_ category: Category) -> Double {
        guard let precision = precision(category), let recall = recall(category), precision + recall > 0 else {
            return 0
        }
        return 2 * precision * recall / (precision + recall)
    }

    /// The categories that occur in the labels: the ones macro-F1 averages over.
    public var labeledCategories: [Category] { categories.filter { (confusion[$0]?.values.reduce(0, +) ?? 0) > 0 } }

    /// The unweighted mean F1 over the categories present in the labels, so a rare category
    /// counts as much as a common one.
    public var macroF1: Double {
        let present = labeledCategories
        guard !present.isEmpty else { return 0 }
        return present.reduce(0) { $0 + f1($1) } / Double(present.count)
    }

    /// Share of all messages classified correctly.
    public var accuracy: Double {
        guard total > 0 else { return 0 }
        return Double(categories.reduce(0) { $0 + count(actual: $1, predicted: $1) }) / Double(total)
    }

    /// The report `tact train --evaluate` prints: a table of precision, recall and F1, then the
    /// confusion matrix (rows: the label; columns: the prediction).
    public var report: String {
        func fixed(_ value: Double?) -> String {
            guard let value else { return "    -" }
            let text = String(Int((value * 1000).rounded()))
            let padded = String(repeating: "0", count: max(0, 4 - text.count)) + text
            return " " + padded.dropLast(3) + "." + padded.suffix(3)
        }
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        func right(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }
        let nameWidth = max(12, (categories.map(\.rawValue.count).max() ?? 0) + 1)
        var lines = ["\(pad("category", nameWidth)) precision  recall      f1  support"]
        for category in categories {
            let support = confusion[category]?.values.reduce(0, +) ?? 0
            lines.append(
                pad(category.rawValue, nameWidth) + "    " + fixed(precision(category)) + "   "
                    + fixed(recall(category)) + "  " + fixed(f1(category)) + "  " + right(String(support), 7))
        }
        lines.append("")
        lines.append(
            "macro-F1 \(fixed(macroF1).dropFirst())   accuracy \(fixed(accuracy).dropFirst())   messages \(total)")
        lines.append("")
        lines.append("confusion (rows: label, columns: predicted)")
        let short = categories.map { String($0.rawValue.prefix(6)) }
        lines.append(pad("", nameWidth) + short.map { right($0, 7) }.joined())
        for actual in categories {
            let cells = categories.map { right(String(count(actual: actual, predicted: $0)), 7) }
            lines.append(pad(actual.rawValue, nameWidth) + cells.joined())
        }
        return lines.joined(separator: "\n")
    }
}

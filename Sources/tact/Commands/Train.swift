import ArgumentParser
import Foundation
import Triage

/// `tact train`: builds the classifier model from labeled mail and/or evaluates it.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the classifier from labeled mail, and evaluate it on held-out mail.",
        discussion: """
            Each labels folder holds one sub-folder per category with .eml files \
            (corpus/train/refund/001.eml). The shipped model is rebuilt with:
              tact train --labels corpus/train --rules config/classifier-rules.txt \
            --output Sources/Triage/Model/model.json
            and measured with:
              tact train --labels corpus/train --rules config/classifier-rules.txt --evaluate corpus/heldout
            Without --labels, --evaluate measures an existing model (--model FILE, else the shipped one):
              tact train --evaluate /path/to/labeled-mail
            """)

    @Option(name: .long, help: "A folder of labeled mail, one sub-folder per category (repeatable).")
    var labels: [String] = []

    @Option(name: .long, help: "A folder of reviewers' corrections, same layout as --labels (repeatable).")
    var corrections: [String] = []

    @Option(name: .long, help: "The phrase-rule file to build into the model.")
    var rules: String?

    @Option(name: .long, help: "Where to write the trained model (JSON).")
    var output: String?

    @Option(name: .long, help: "A folder of held-out labeled mail to evaluate the trained model on.")
    var evaluate: String?

    @Option(name: .long, help: "With --evaluate and no --labels: the model file to evaluate (default: shipped).")
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Laplace smoothing added to every count.", visibility: .hidden))
    var smoothing: Double = 1

    @Option(name: .long, help: ArgumentHelp("Drop word pairs seen in fewer messages.", visibility: .hidden))
    var minimumCount: Int = 2

    @Flag(name: .long, help: ArgumentHelp("Print each misclassified held-out message.", visibility: .hidden))
    var misses = false

    func validate() throws {
        guard !labels.isEmpty || evaluate != nil else {
            throw ValidationError("give at least one --labels folder (e.g. --labels corpus/train), or --evaluate DIR")
        }
        guard output != nil || evaluate != nil else {
            throw ValidationError("nothing to do: give --output FILE to write the model and/or --evaluate DIR")
        }
        guard labels.isEmpty || model == nil else {
            throw ValidationError("--model evaluates an existing model: leave out --labels, or leave out --model")
        }
        guard !labels.isEmpty || (output == nil && corrections.isEmpty) else {
            throw ValidationError("--output and --corrections need --labels to train from")
        }
    }

    func run() throws {
        do {
            if labels.isEmpty, let evaluate {
                let existing = try model.map { path -> ClassifierModel in
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw ClassifierError.unreadableInput(path, "no such model file")
                    }
                    return try ClassifierModel(jsonData: data)
                } ?? ClassifierModel.shipped()
                let rulesOverride = try rules.map { try PhraseRules(contentsOfFile: $0) }
                let classifier = try Classifier(model: existing, rules: rulesOverride)
                let heldOut = try ClassifierCorpus.load(directory: evaluate)
                print(ClassifierEvaluation(classifier: classifier, samples: heldOut).report)
                if misses { printMisses(heldOut, classifier) }
                return
            }
            var samples: [LabeledText] = []
            for folder in labels + corrections { samples += try ClassifierCorpus.load(directory: folder) }
            let phraseRules = try rules.map { try PhraseRules(contentsOfFile: $0) } ?? PhraseRules()
            let model = try ClassifierModel.train(
                samples, rules: phraseRules, smoothing: smoothing, minimumCount: minimumCount)
            if let output {
                do {
                    try model.jsonData().write(to: URL(fileURLWithPath: output), options: .atomic)
                } catch {
                    throw ClassifierError.unreadableInput(
                        output, "cannot write the model: \(error.localizedDescription)")
                }
                let counts = model.documents.map(String.init).joined(separator: "/")
                print(
                    "trained on \(samples.count) messages (\(counts)), \(model.features.count) features → \(output)")
            }
            if let evaluate {
                let heldOut = try ClassifierCorpus.load(directory: evaluate)
                let classifier = try Classifier(model: model)
                print(ClassifierEvaluation(classifier: classifier, samples: heldOut).report)
                if misses { printMisses(heldOut, classifier) }
            }
        } catch let error as ClassifierError {
            FileHandle.standardError.write(Data("tact train: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func printMisses(_ samples: [LabeledText], _ classifier: Classifier) {
        let results = samples.map { classifier.classify(subject: $0.subject, text: $0.text) }
        let right = zip(samples, results).filter { $0.category == $1.category }.map(\.1.confidence).sorted()
        let wrong = zip(samples, results).filter { $0.category != $1.category }.map(\.1.confidence).sorted()
        let threshold = classifier.options.uncertainBelow
        print("\nconfidence: right \(right.filter { $0 < threshold }.count)/\(right.count) under \(threshold), "
            + "wrong \(wrong.filter { $0 < threshold }.count)/\(wrong.count) under it; "
            + "median right \(right.isEmpty ? 0 : right[right.count / 2])")
        for sample in samples {
            let result = classifier.classify(subject: sample.subject, text: sample.text)
            guard result.category != sample.category else { continue }
            print("\nlabel \(sample.category), predicted \(result.category) (\(result.confidence)): \(sample.subject)")
            print("  evidence: \(result.evidence)")
            print("  " + sample.text.prefix(300).replacingOccurrences(of: "\n", with: " "))
        }
    }
}

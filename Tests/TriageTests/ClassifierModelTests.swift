import Foundation
import Testing

@testable import Triage

@Suite struct ClassifierModelTests {
    @Test func trainingTheSameSamplesGivesTheSameBytes() throws {
        let first = try ClassifierFixture.model().jsonData()
        let second = try ClassifierModel.train(
            ClassifierFixture.samples.reversed(), smoothing: 1, minimumCount: 1
        ).jsonData()
        #expect(first == second)
    }

    @Test func modelSurvivesAWriteAndReadBack() throws {
        let rules = PhraseRules(rules: [.init(category: .refund, weight: 1.5, phrase: "money back")])
        let model = try ClassifierFixture.model(rules: rules)
        let read = try ClassifierModel(jsonData: model.jsonData())
        #expect(read == model)
        let text = "I want my money back for the lamp"
        #expect(
            try Classifier(model: read).classify(subject: "", text: text)
                == Classifier(model: model).classify(subject: "", text: text))
    }

    @Test func automatedIsRefusedAsATrainingLabel() {
        let samples = ClassifierFixture.samples + [LabeledText(category: .automated, subject: "x", text: "y")]
        #expect(throws: ClassifierError.reservedCategory(.automated)) { try ClassifierModel.train(samples) }
    }

    @Test func trainingNeedsSamplesOfTwoCategories() {
        #expect(throws: ClassifierError.self) { try ClassifierModel.train([]) }
        let one = [LabeledText(category: .refund, subject: "a", text: "refund")]
        #expect(throws: ClassifierError.self) { try ClassifierModel.train(one) }
    }

    @Test func damagedModelFileIsAClearError() {
        #expect(throws: ClassifierError.self) { try ClassifierModel(jsonData: Data("{}".utf8)) }
        do {
            _ = try ClassifierModel(jsonData: Data("not json".utf8))
            Issue.record("expected an error")
        } catch let error as ClassifierError {
            #expect(error.message.contains("tact train"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rarePairsAreDroppedButWordsKept() throws {
        let model = try ClassifierModel.train(ClassifierFixture.samples, minimumCount: 2)
        #expect(model.features["wonderful"] != nil)
        #expect(model.features["was wonderful"] == nil)
        #expect(model.features["cancel my"] != nil)
    }

    @Test func shippedModelLoadsAndKnowsTheDefaultCategories() throws {
        let model = try ClassifierModel.shipped()
        #expect(Set(model.categories) == Set(Category.defaults))
        #expect(!model.rules.rules.isEmpty)
        let result = try Classifier(model: model).classify(
            subject: "Where is my order?", text: "My parcel has not arrived and the tracking has not moved.")
        #expect(result.category == .orderStatus)
    }
}

@Suite struct PhraseRulesTests {
    @Test func readsCategoryWeightAndPhraseIgnoringComments() throws {
        let rules = try PhraseRules(parsing: """
            # a comment
            refund   +2.5   money back   # trailing comment

            cancellation -1 keep my plan
            """)
        #expect(rules.rules == [
            .init(category: .refund, weight: 2.5, phrase: "money back"),
            .init(category: .cancellation, weight: -1, phrase: "keep my plan"),
        ])
    }

    @Test func badLinesNameTheLineAndTheFix() {
        let cases = ["refund 2.5", "refund lots money back", "automated 1 out of office", "refund 1 ..."]
        for text in cases {
            do {
                _ = try PhraseRules(parsing: "# header\n" + text, file: "rules.txt")
                Issue.record("accepted \(text)")
            } catch let error as ClassifierError {
                #expect(error.message.hasPrefix("rules.txt:2:"))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func matchesIgnoringCaseApostrophesAndNumbers() throws {
        let rules = try PhraseRules(parsing: "billing 30 dont charge order 1")
        let classifier = try Classifier(model: ClassifierFixture.model(), rules: rules)
        #expect(classifier.classify(subject: "", text: "DON’T charge order 98765 again").category == .billing)
    }

    @Test func shippedRuleFileParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/classifier-rules.txt").path
        let rules = try PhraseRules(contentsOfFile: path)
        #expect(rules.rules.count > 20)
        #expect(Set(rules.rules.map(\.category)).isSubset(of: Set(Category.defaults)))
    }
}

@Suite struct ClassifierEvaluationTests {
    @Test func computesPrecisionRecallAndMacroF1() {
        let evaluation = ClassifierEvaluation(confusion: [
            .refund: [.refund: 3, .billing: 1],
            .billing: [.billing: 2],
        ])
        #expect(evaluation.precision(.refund) == 1)
        #expect(evaluation.recall(.refund) == 0.75)
        #expect(evaluation.precision(.billing) == 2.0 / 3.0)
        #expect(evaluation.recall(.billing) == 1)
        let f1Refund = 2 * 0.75 / 1.75
        let f1Billing = 2 * (2.0 / 3.0) / (5.0 / 3.0)
        #expect(abs(evaluation.macroF1 - (f1Refund + f1Billing) / 2) < 1e-12)
        #expect(evaluation.total == 6)
    }

    @Test func reportShowsEveryCategoryAndTheConfusionMatrix() throws {
        let evaluation = ClassifierEvaluation(
            classifier: try ClassifierFixture.classifier(), samples: ClassifierFixture.samples)
        let report = evaluation.report
        for category in Category.defaults { #expect(report.contains(category.rawValue)) }
        #expect(report.contains("macro-F1"))
        #expect(report.contains("confusion"))
        #expect(evaluation.total == ClassifierFixture.samples.count)
    }

    @Test func shippedModelReachesTheTargetOnHeldOutMail() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let heldOut = try ClassifierCorpus.load(directory: root.appendingPathComponent("corpus/heldout").path)
        let evaluation = ClassifierEvaluation(classifier: try Classifier.shipped(), samples: heldOut)
        #expect(evaluation.macroF1 >= 0.90, "\(evaluation.report)")
    }
}

@Suite struct ClassifierCorpusTests {
    @Test func readsOwnWordsAndSubjectPerCategoryFolder() throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("tact-corpus-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("praise")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let mail = """
            From: Ann <ann@example.org>\r
            To: support@shop.example\r
            Subject: Re: Your refund\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Thank you, that was quick!\r
            \r
            On Mon, 2 Mar 2026, Support <support@shop.example> wrote:\r
            > Your refund of 40 pounds has been issued.\r

            """
        try Data(mail.utf8).write(to: folder.appendingPathComponent("1.eml"))
        try Data("ignored".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let samples = try ClassifierCorpus.load(directory: root.path)
        #expect(samples.count == 1)
        #expect(samples.first?.category == .praise)
        #expect(samples.first?.subject == "Re: Your refund")
        #expect(samples.first?.text.contains("Thank you") == true)
        #expect(samples.first?.text.contains("issued") == false)
    }

    @Test func missingOrEmptyFolderIsAnError() throws {
        #expect(throws: ClassifierError.self) { try ClassifierCorpus.load(directory: "/nonexistent/tact") }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("tact-empty-\(getpid())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: ClassifierError.self) { try ClassifierCorpus.load(directory: empty.path) }
    }

    @Test func shippedModelIsWhatTrainingTheCorpusGives() throws {
        // Reproducibility: the shipped file is exactly `tact train` on corpus/train with the rules.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let samples = try ClassifierCorpus.load(directory: root.appendingPathComponent("corpus/train").path)
        let rules = try PhraseRules(contentsOfFile: root.appendingPathComponent("config/classifier-rules.txt").path)
        let trained = try ClassifierModel.train(samples, rules: rules)
        #expect(trained == (try ClassifierModel.shipped()))
    }
}

import Foundation
import TactTestSupport
import Testing

/// `tact train` end to end: labeled folders of .eml in, a model file and a report out.
@Suite struct TrainCommandTests {
    /// Writes a labeled folder: `category/n.eml` for each (category, subject, body).
    private func labeledFolder(_ messages: [(String, String, String)], in root: URL) throws {
        for (index, (category, subject, body)) in messages.enumerated() {
            let folder = root.appendingPathComponent(category, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let mail = """
                From: Customer \(index) <c\(index)@example.org>\r
                To: support@shop.example\r
                Subject: \(subject)\r
                Message-ID: <\(index).\(category)@example.org>\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                \(body)\r

                """
            try Data(mail.utf8).write(to: folder.appendingPathComponent("\(index).eml"))
        }
    }

    private let training = [
        ("refund", "Refund", "I sent the shoes back, please refund my money."),
        ("refund", "Money back", "I want my money back for the broken lamp, refund please."),
        ("cancellation", "Cancel", "Please cancel my subscription today."),
        ("cancellation", "Stop", "Cancel my membership and stop the payments."),
        ("praise", "Thanks", "Thank you so much, wonderful service."),
        ("praise", "Lovely", "Lovely staff, thank you, brilliant."),
    ]

    @Test func writesTheSameModelTwiceAndEvaluatesIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let labels = directory.url.appendingPathComponent("train")
        try labeledFolder(training, in: labels)
        let first = directory.url.appendingPathComponent("a.json").path
        let second = directory.url.appendingPathComponent("b.json").path
        let run = try TactBinary.run(["train", "--labels", labels.path, "--output", first, "--evaluate", labels.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("trained on 6 messages"))
        #expect(run.stdout.contains("macro-F1"))
        #expect(run.stdout.contains("confusion"))
        #expect(try TactBinary.run(["train", "--labels", labels.path, "--output", second]).status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: first))
        #expect(a == (try Data(contentsOf: URL(fileURLWithPath: second))))
        let model = try #require(try JSONSerialization.jsonObject(with: a) as? [String: Any])
        #expect(model["categories"] as? [String] == ["cancellation", "praise", "refund"])
    }

    @Test func correctionsFolderIsTrainedOnToo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let labels = directory.url.appendingPathComponent("train")
        let corrections = directory.url.appendingPathComponent("corrections")
        try labeledFolder(training, in: labels)
        try labeledFolder([("billing", "Invoice", "My invoice charged me twice.")], in: corrections)
        let output = directory.url.appendingPathComponent("m.json").path
        let run = try TactBinary.run([
            "train", "--labels", labels.path, "--corrections", corrections.path, "--output", output,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("trained on 7 messages"))
        let model = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        #expect((model["categories"] as? [String])?.contains("billing") == true)
    }

    @Test func automatedFolderIsRefusedWithTheFix() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let labels = directory.url.appendingPathComponent("train")
        try labeledFolder(training + [("automated", "Out of office", "I am away.")], in: labels)
        let run = try TactBinary.run(
            ["train", "--labels", labels.path, "--output", directory.url.appendingPathComponent("m.json").path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("automated"))
        #expect(run.stderr.contains("remove that folder"))
    }

    @Test func missingFolderIsAClearError() throws {
        let run = try TactBinary.run(["train", "--labels", "/nonexistent/labels", "--evaluate", "/nonexistent/labels"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("/nonexistent/labels"))
    }

    @Test func evaluatesAModelFileWithoutTraining() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let labels = directory.url.appendingPathComponent("train")
        try labeledFolder(training, in: labels)
        let model = directory.url.appendingPathComponent("m.json").path
        #expect(try TactBinary.run(["train", "--labels", labels.path, "--output", model]).status == 0)
        let run = try TactBinary.run(["train", "--model", model, "--evaluate", labels.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("macro-F1"))
        #expect(!run.stdout.contains("trained on"))
        let broken = try TactBinary.run(["train", "--model", labels.path + "/none.json", "--evaluate", labels.path])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("none.json"))
    }

    @Test func nothingToDoIsAUsageError() throws {
        let run = try TactBinary.run(["train", "--labels", "corpus/train"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--output"))
    }

    @Test func rulesFileErrorNamesTheLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let labels = directory.url.appendingPathComponent("train")
        try labeledFolder(training, in: labels)
        let rules = directory.url.appendingPathComponent("rules.txt")
        try Data("# rules\nrefund lots money back\n".utf8).write(to: rules)
        let run = try TactBinary.run([
            "train", "--labels", labels.path, "--rules", rules.path, "--evaluate", labels.path,
        ])
        #expect(run.status == 2)
        #expect(run.stderr.contains("rules.txt:2:"))
    }
}

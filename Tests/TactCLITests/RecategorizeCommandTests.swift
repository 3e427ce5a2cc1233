import Foundation
import Store
import TactTestSupport
import Testing

@Suite struct RecategorizeCommandTests {
    @Test func recategorizingRedraftsAndSavesTheCorrectionForTraining() throws {
        let directory = try TemporaryDirectory(prefix: "tact-recat")
        defer { directory.remove() }
        // The shipped configuration, with the state and templates made explicit for this test.
        let shipped = try String(contentsOf: repositoryRoot.appendingPathComponent("config/tact.toml"), encoding: .utf8)
        let config = directory.url.appendingPathComponent("tact.toml")
        try shipped
            .replacingOccurrences(of: "# state_dir = \"/var/lib/tact\"", with: "state_dir = \"\(directory.path)\"")
            .replacingOccurrences(of: "# templates_dir = \"/etc/tact/templates\"", with: "templates_dir = \"\(repositoryRoot.path)/templates\"")
            .write(to: config, atomically: true, encoding: .utf8)
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        _ = try store.record(
            IncomingMessage(
                mailbox: "support", uidValidity: 1, uid: 1, messageID: "<recat@example.org>", sender: "liam@example.net",
                subject: "The kettle", receivedAt: Date(), outcome: .drafted, category: "question", confidence: 0.3,
                senderName: "Liam O'Brien", customerText: "The kettle broke after two days. I want my money back."),
            draft: NewDraft(template: "uncertain", subject: "Re: The kettle", body: "Hello,\n\nThank you.\n"), actor: "daemon")

        let result = try TactBinary.run(["queue", "recategorize", "1", "refund", "--config", config.path, "--as", "maria"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let draft = try #require(try store.draft(id: 1))
        #expect(draft.draft.template == "refund")
        #expect(draft.draft.body.hasPrefix("Hi Liam,"))
        #expect(draft.draft.body.contains("refund"))
        #expect(try store.message(rowID: 1)?.message.category == "refund")
        #expect(try store.auditTrail(messageRowID: 1).last?.detail == "from question to refund")
        let correction = directory.url.appendingPathComponent("corrections/refund/message-1.eml")
        #expect(try String(contentsOf: correction, encoding: .utf8).contains("I want my money back."))
        // Customer text: closed to other users whatever the reviewer's umask.
        let mode = try FileManager.default.attributesOfItem(atPath: correction.path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o007 == 0 } == true, "the correction has mode \(String(mode ?? 0, radix: 8))")

        // The next training reads the correction.
        let model = directory.url.appendingPathComponent("model.json").path
        let training = try TactBinary.run([
            "train", "--labels", repositoryRoot.appendingPathComponent("corpus/train").path,
            "--corrections", directory.url.appendingPathComponent("corrections").path, "--output", model,
        ])
        #expect(training.status == 0, "\(training.stdout)\(training.stderr)")
        #expect(training.stdout.contains("trained on 362 messages"))
    }

    @Test func anUnknownCategoryIsNamedWithTheChoices() throws {
        let directory = try TemporaryDirectory(prefix: "tact-recat")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        _ = try store.record(
            IncomingMessage(mailbox: "support", uidValidity: 1, uid: 1, messageID: nil, sender: "a@example.org", subject: "x",
                            receivedAt: Date(), outcome: .drafted, category: "question"),
            draft: NewDraft(template: "question", subject: "Re: x", body: "Hi"), actor: "daemon")
        let result = try TactBinary.run([
            "queue", "recategorize", "1", "refunds", "--config", repositoryRoot.appendingPathComponent("config/tact.toml").path,
            "--store", directory.url.appendingPathComponent("tact.sqlite").path,
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("choose one of billing, cancellation, complaint"))
    }
}

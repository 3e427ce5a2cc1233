import Foundation
import Store
import TactTestSupport
import Testing

@Suite struct QueueEditTests {
    func setUp(_ directory: TemporaryDirectory) throws -> (String, [String: String]) {
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let store = try SQLiteStore(path: path)
        _ = try store.record(
            IncomingMessage(mailbox: "support", uidValidity: 1, uid: 1, messageID: nil, sender: "jane@example.org",
                            subject: "Late order", receivedAt: Date(), outcome: .drafted, category: "complaint",
                            senderName: "Jane Doe", customerText: "My order is late again. This is really bad."),
            draft: NewDraft(template: "complaint", subject: "Re: Late order", body: "Hi Jane,\n\nThank you, I am sorry.\n\nMarta\n"),
            actor: "daemon")
        var environment = ProcessInfo.processInfo.environment
        environment["VISUAL"] = nil
        return (path, environment)
    }

    func editor(_ directory: TemporaryDirectory, _ script: String) throws -> String {
        try scriptedEditor(directory, script)
    }

    @Test func anEditIsSavedAndLintedWithTheCustomersContext() throws {
        let directory = try TemporaryDirectory(prefix: "tact-qedit")
        defer { directory.remove() }
        var (path, environment) = try setUp(directory)
        environment["EDITOR"] = try editor(directory, "sed -i 's/I am sorry./No problem, we are very busy!!/' \"$1\"")
        let config = repositoryRoot.appendingPathComponent("config/tact.toml").path
        let result = try TactBinary.run(["queue", "edit", "1", "--store", path, "--config", config, "--as", "maria"], environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for rule in ["no-problem", "busy-excuse", "shouting", "empathy-missing"] {
            #expect(result.stdout.contains(rule), "\(rule) should be reported")
        }
        let draft = try #require(try SQLiteStore(path: path).draft(id: 1))
        #expect(draft.draft.body.contains("we are very busy"))
        #expect(draft.draft.findingsJSON.contains("busy-excuse"))
        #expect(try SQLiteStore(path: path).auditTrail(messageRowID: 1).last?.actor == "maria")
    }

    @Test func aFailingEditorChangesNothing() throws {
        let directory = try TemporaryDirectory(prefix: "tact-qedit")
        defer { directory.remove() }
        var (path, environment) = try setUp(directory)
        environment["EDITOR"] = try editor(directory, "echo scribble > \"$1\"; exit 3")
        let result = try TactBinary.run(
            ["queue", "edit", "1", "--store", path, "--config", repositoryRoot.appendingPathComponent("config/tact.toml").path],
            environment: environment)
        #expect(result.status == 1)
        #expect(try SQLiteStore(path: path).draft(id: 1)?.draft.body.contains("I am sorry.") == true)
    }
}

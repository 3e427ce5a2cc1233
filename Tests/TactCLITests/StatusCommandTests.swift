import Foundation
import Store
import TactTestSupport
import Testing

@Suite struct StatusCommandTests {
    let config = repositoryRoot.appendingPathComponent("config/tact.toml").path

    @Test func reportsMailboxesQueueAndOverduePromisesAndChecksForMonitoring() throws {
        let directory = try TemporaryDirectory(prefix: "tact-status")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let store = try SQLiteStore(path: path)
        let now = Date()
        try store.save(MailboxState(mailbox: "support", uidValidity: 1, lastUID: 3, baselineAt: now, lastCheckAt: now))
        try store.save(MailboxState(mailbox: "sales", uidValidity: 1, lastUID: 0, baselineAt: now, lastCheckAt: now, lastError: "login to outlook.office365.com:993 was refused"))
        _ = try store.record(
            IncomingMessage(mailbox: "support", uidValidity: 1, uid: 1, messageID: nil, sender: "a@example.org", subject: "x", receivedAt: now, outcome: .drafted),
            draft: NewDraft(template: "question", subject: "Re: x", body: "Hi", promisedBy: now.addingTimeInterval(-60)), actor: "daemon")
        _ = try store.record(
            IncomingMessage(mailbox: "support", uidValidity: 1, uid: 2, messageID: nil, sender: "b@example.org", subject: "y", receivedAt: now, outcome: .suppressed, reason: "spam"),
            draft: nil, actor: "daemon")

        let readable = try TactBinary.run(["status", "--config", config, "--store", path])
        #expect(readable.status == 0, "\(readable.stderr)")
        #expect(readable.stdout.contains("messages: 1 drafted, 1 suppressed"))
        #expect(readable.stdout.contains("last error: login to outlook.office365.com:993 was refused"))
        #expect(readable.stdout.contains("drafts: 1 queued"))
        #expect(readable.stdout.contains("overdue: draft 1 (queued)"))

        let checked = try TactBinary.run(["status", "--config", config, "--store", path, "--check", "--json"])
        #expect(checked.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any])
        #expect((json["attention"] as? [String])?.count == 2)
        #expect((json["drafts"] as? [String: Int])?["queued"] == 1)
    }

    @Test func aHealthyInstallationPassesTheCheck() throws {
        let directory = try TemporaryDirectory(prefix: "tact-status")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let store = try SQLiteStore(path: path)
        for name in ["support", "sales"] {
            try store.save(MailboxState(mailbox: name, uidValidity: 1, lastUID: 0, baselineAt: Date(), lastCheckAt: Date()))
        }
        let result = try TactBinary.run(["status", "--config", config, "--store", path, "--check"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("all well"))
    }

    @Test func aMissingDatabaseIsNamed() throws {
        let result = try TactBinary.run(["status", "--config", config, "--store", "/nonexistent/tact.sqlite"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/tact.sqlite"))
    }
}

import Foundation
import Store
import TactTestSupport
import Testing

/// `tact mailbox check` and `tact run --once` against a real Dovecot and SMTP sink.
@Suite struct RunEndToEndTests {
    /// A configuration for `dovecot` and `sink`, with its state in `directory`.
    func writeConfig(_ directory: TemporaryDirectory, _ dovecot: Dovecot, _ sink: SMTPSink?, password: String? = nil) throws -> String {
        try writeTactConfiguration(
            in: directory.path, dovecot: dovecot, sink: sink, repository: repositoryRoot.path, password: password)
    }

    func mail(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: repositoryRoot.appendingPathComponent("demo/mail/\(name)")))
    }

    @Test func mailboxCheckReportsTheMailboxOrSaysWhatToFix() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-e2e")
            defer { directory.remove() }
            try dovecot.deliver(try mail("02-refund.eml"))
            let good = try TactBinary.run(["mailbox", "check", "--config", try writeConfig(directory, dovecot, nil)])
            #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
            #expect(good.stdout.contains("support: ok"))
            #expect(good.stdout.contains("UIDNEXT 2, 1 messages"))
            let bad = try TactBinary.run(["mailbox", "check", "--config", try writeConfig(directory, dovecot, nil, password: "wrong")])
            #expect(bad.status == 1)
            #expect(bad.stdout.contains("support: FAILED"))
            #expect(bad.stdout.contains("check user and the password"))
            #expect(!bad.stdout.contains("wrong"), "the password must never be printed")
        }
    }

    @Test func newMailBecomesDraftsOnceAndApprovedRepliesGoOutOnce() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-e2e")
            defer { directory.remove() }
            let sink = try SMTPSink()
            defer { sink.stop() }
            let config = try writeConfig(directory, dovecot, sink)
            // Mail already there on the first start is never answered.
            try dovecot.deliver(try mail("05-technical.eml"))
            let first = try TactBinary.run(["run", "--once", "--config", config])
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(first.stdout.contains("first run"))
            // New mail: two customers and a bounce.
            try dovecot.deliver(try mail("02-refund.eml"))
            try dovecot.deliver(try mail("14-bounce.eml"))
            try dovecot.deliver(try mail("10-question-how-are-you.eml"))
            let second = try TactBinary.run(["run", "--once", "--config", config])
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            #expect(second.stdout.contains("2 drafted, 1 suppressed"))
            // Nothing is marked \Seen on the customer's mail.
            for uid in 1...4 as ClosedRange<UInt32> {
                #expect(!(try dovecot.flags(uid: uid)).contains("\\Seen"), "UID \(uid) was marked seen")
            }
            // A second pass finds nothing new: exactly once.
            let third = try TactBinary.run(["run", "--once", "--config", config])
            #expect(third.stdout.contains("nothing new"))
            let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
            #expect(try store.drafts(in: .queued).count == 2)
            // Approve one; the next pass sends it, once.
            let refund = try #require(try store.drafts(in: .queued).first)
            let approve = try TactBinary.run(["queue", "approve", String(refund.id), "--config", config, "--as", "maria"])
            #expect(approve.status == 0, "\(approve.stdout)\(approve.stderr)")
            let fourth = try TactBinary.run(["run", "--once", "--config", config])
            #expect(fourth.stdout.contains("draft \(refund.id): sent"), "\(fourth.stdout)\(fourth.stderr)")
            _ = try TactBinary.run(["run", "--once", "--config", config])
            #expect(try sink.messages().count == 1)
            #expect(try store.draft(id: refund.id)?.state == .sent)
        }
    }

    @Test func backfillAnswersOlderMailOnPurpose() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-e2e")
            defer { directory.remove() }
            try dovecot.deliver(try mail("06-cancellation.eml"))
            try dovecot.deliver(try mail("16-mailing-list.eml"))
            let config = try writeConfig(directory, dovecot, nil)
            let result = try TactBinary.run(["run", "--once", "--config", config, "--backfill", "2026-01-01"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("1 drafted, 1 suppressed"))
            let bad = try TactBinary.run(["run", "--once", "--config", config, "--backfill", "last week"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("YYYY-MM-DD"))
        }
    }
}

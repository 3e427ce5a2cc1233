import Foundation
import Store
import TactTestSupport
import Testing

@Suite struct QueueCommandTests {
    /// Drafts 1 (clean), 2 (an error-level finding) and 3 (clean), from QueueFixtures.swift.
    func makeStore(_ directory: TemporaryDirectory) throws -> String {
        try makeQueuedStore(directory)
    }

    @Test func listShowsOneLineADraftWithinEightyColumns() throws {
        let directory = try TemporaryDirectory(prefix: "tact-queue")
        defer { directory.remove() }
        let path = try makeStore(directory)
        let result = try TactBinary.run(["queue", "list", "--store", path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines[1].contains("Jane Doe") && lines[1].contains("order-status") && lines[1].contains("ok"))
        #expect(lines[2].contains("Tom Becker") && lines[2].contains("1E"))
        // Piped output is plain: no escape codes.
        #expect(!result.stdout.contains("\u{1B}["))
    }

    @Test func listShowsOnePageAndSaysHowManyMoreThereAre() throws {
        let directory = try TemporaryDirectory(prefix: "tact-queue")
        defer { directory.remove() }
        let path = try makeStore(directory)
        let page = try TactBinary.run(["queue", "list", "--limit", "1", "--store", path])
        #expect(page.status == 0, "\(page.stderr)")
        let lines = page.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains("Jane Doe"))
        #expect(!page.stdout.contains("Tom Becker"))
        #expect(lines[2] == "… 2 more queued drafts: `--limit 0` lists them all")
        let all = try TactBinary.run(["queue", "list", "--limit", "0", "--json", "--store", path])
        #expect(all.stdout.contains("Tom Becker") && all.stdout.contains("Jane Doe"))
        let negative = try TactBinary.run(["queue", "list", "--limit=-1", "--store", path])
        #expect(negative.status != 0)
        #expect(negative.stderr.contains("--limit -1 is negative"))
    }

    @Test func showGivesTheCustomersWordsTheDraftAndTheFindings() throws {
        let directory = try TemporaryDirectory(prefix: "tact-queue")
        defer { directory.remove() }
        let path = try makeStore(directory)
        let result = try TactBinary.run(["queue", "show", "2", "--store", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("I want my money back."))
        #expect(result.stdout.contains("As I already explained, no."))
        #expect(result.stdout.contains("3:1 error arguing"))
        #expect(result.stdout.contains("    ^^^^^^^^^^^^^^^^^^^^^^"))
    }

    @Test func approvalIsRefusedWhileErrorsRemainUnlessForcedWithAReason() throws {
        let directory = try TemporaryDirectory(prefix: "tact-queue")
        defer { directory.remove() }
        let path = try makeStore(directory)
        let refused = try TactBinary.run(["queue", "approve", "2", "--store", path, "--as", "maria"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("error-level finding(s): arguing"))
        let noReason = try TactBinary.run(["queue", "approve", "2", "--store", path, "--force"])
        #expect(noReason.status == 2)
        let forced = try TactBinary.run(["queue", "approve", "2", "--store", path, "--force", "--reason", "quoting the customer", "--as", "maria"])
        #expect(forced.status == 0, "\(forced.stdout)\(forced.stderr)")
        let store = try SQLiteStore(path: path)
        #expect(try store.draft(id: 2)?.state == .approved)
        #expect(try store.auditTrail(messageRowID: 2).last?.detail == "forced past arguing: quoting the customer")
        #expect(try store.auditTrail(messageRowID: 2).last?.actor == "maria")
    }

    /// Jane's order-status draft 1, received and promised at `promisedBy` (in the past).
    func recordLateDraft(in store: SQLiteStore, body: String, promisedBy: Date) throws {
        _ = try store.record(
            IncomingMessage(
                mailbox: "support", uidValidity: 1, uid: 1, messageID: "<late@example.org>", sender: "jane@example.org",
                subject: "Order", receivedAt: promisedBy, outcome: .drafted, category: "order-status"),
            draft: NewDraft(template: "order-status", subject: "Re: Order", body: body, promisedBy: promisedBy),
            actor: "daemon")
    }

    @Test func approvingAfterThePromisedTimeRenewsThePromise() throws {
        let directory = try TemporaryDirectory(prefix: "tact-queue")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let store = try SQLiteStore(path: path)
        let old = Date().addingTimeInterval(-3 * 24 * 3600)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/London")  // the shipped config's time zone
        formatter.dateFormat = "EEEE d MMMM, HH:mm"
        let oldText = formatter.string(from: old)
        try recordLateDraft(in: store, body: "Hi Jane,\n\nYou will hear from us by \(oldText).\n", promisedBy: old)
        let config = repositoryRoot.appendingPathComponent("config/tact.toml").path
        let result = try TactBinary.run(["queue", "approve", "1", "--store", path, "--config", config, "--as", "maria"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("the promised time had passed"))
        let approved = try #require(try store.draft(id: 1))
        #expect(approved.state == .approved)
        #expect((approved.draft.promisedBy ?? old) > Date())
        #expect(!approved.draft.body.contains(oldText))
        #expect(approved.draft.body.contains(formatter.string(from: approved.draft.promisedBy ?? old)))
    }

    /// A past promise in words Tact did not write is not approved as it stands: the agent is told
    /// what it was and what to promise now, and can only pass it with --force and a reason.
    @Test func approvingAPastPromiseTactCannotFindIsRefusedUntilEditedOrForced() throws {
        let directory = try TemporaryDirectory(prefix: "tact-queue")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let store = try SQLiteStore(path: path)
        let old = Date().addingTimeInterval(-3 * 24 * 3600)
        let body = "Hi Jane,\n\nYou will hear from us the day after tomorrow.\n"
        try recordLateDraft(in: store, body: body, promisedBy: old)
        let config = repositoryRoot.appendingPathComponent("config/tact.toml").path
        let refused = try TactBinary.run(["queue", "approve", "1", "--store", path, "--config", config, "--as", "maria"])
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        let said = refused.stdout + refused.stderr
        #expect(said.contains("which has passed"), "\(said)")
        #expect(said.contains("tact queue edit 1"), "\(said)")
        #expect(try store.draft(id: 1)?.state == .queued)
        let kept = try #require(try store.draft(id: 1)?.draft.promisedBy)
        #expect(abs(kept.timeIntervalSince(old)) < 0.001, "the promise must not move while the text is unchanged")

        let forced = try TactBinary.run([
            "queue", "approve", "1", "--store", path, "--config", config, "--as", "maria", "--force", "--reason",
            "the text promises no date",
        ])
        #expect(forced.status == 0, "\(forced.stdout)\(forced.stderr)")
        let approved = try #require(try store.draft(id: 1))
        #expect(approved.state == .approved)
        #expect(approved.draft.body == body)
        #expect((approved.draft.promisedBy ?? old) > Date())
        #expect(try store.auditTrail(messageRowID: 1).last?.detail?.contains("the text promises no date") == true)
    }

    @Test func rejectionNeedsAReasonAndIsFinal() throws {
        let directory = try TemporaryDirectory(prefix: "tact-queue")
        defer { directory.remove() }
        let path = try makeStore(directory)
        let rejected = try TactBinary.run(["queue", "reject", "1", "--store", path, "--reason", "answered by phone", "--as", "tom"])
        #expect(rejected.status == 0)
        let again = try TactBinary.run(["queue", "approve", "1", "--store", path])
        #expect(again.status == 1)
        #expect(again.stdout.contains("draft 1 was already rejected by tom"))
        #expect(try SQLiteStore(path: path).draft(id: 1)?.state == .rejected)
    }

    @Test func anUnknownDraftOrStateIsNamed() throws {
        let directory = try TemporaryDirectory(prefix: "tact-queue")
        defer { directory.remove() }
        let path = try makeStore(directory)
        let unknown = try TactBinary.run(["queue", "show", "99", "--store", path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no draft 99"))
        let state = try TactBinary.run(["queue", "list", "--store", path, "--state", "pending"])
        #expect(state.status == 2)
        #expect(state.stderr.contains("queued, approved"))
    }
}

@Suite struct QueueRetryTests {
    @Test func onlyFailedOrUnknownRepliesAreRetriedWithAWarningForUnknown() throws {
        let directory = try TemporaryDirectory(prefix: "tact-retry")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let store = try SQLiteStore(path: path)
        for uid in [1, 2] as [UInt32] {
            _ = try store.record(
                IncomingMessage(mailbox: "support", uidValidity: 1, uid: uid, messageID: nil, sender: "a\(uid)@example.org",
                                subject: "x", receivedAt: Date(), outcome: .drafted),
                draft: NewDraft(template: "question", subject: "Re: x", body: "Hi"), actor: "daemon")
            try store.transition(draft: Int64(uid), from: .queued, to: .approved, actor: "maria", reason: nil)
            try store.transition(draft: Int64(uid), from: .approved, to: .sending, actor: "outbox", reason: nil)
        }
        try store.transition(draft: 1, from: .sending, to: .outcomeUnknown, actor: "outbox", reason: "lost after data")
        try store.transition(draft: 2, from: .sending, to: .sent, actor: "outbox", reason: "250 ok")
        let unknown = try TactBinary.run(["queue", "retry", "1", "--store", path, "--as", "maria"])
        #expect(unknown.status == 0)
        #expect(unknown.stdout.contains("may get it twice"))
        #expect(try store.draft(id: 1)?.state == .approved)
        let sent = try TactBinary.run(["queue", "retry", "2", "--store", path])
        #expect(sent.status == 1)
        #expect(try store.draft(id: 2)?.state == .sent)
    }
}

import Foundation
import Store
import TactTestSupport
import Testing

@Suite struct ExplainCommandTests {
    let arrival = Date(timeIntervalSince1970: 1_795_428_000)

    @Test func explainsASuppressedMessageAndADraftWithItsHistory() throws {
        let directory = try TemporaryDirectory(prefix: "tact-explain")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let store = try SQLiteStore(path: path)
        _ = try store.record(
            IncomingMessage(
                mailbox: "support", uidValidity: 3, uid: 10, messageID: "bounce-1@mx.example.net", sender: "mailer-daemon@mx.example.net",
                subject: "Undelivered Mail", receivedAt: arrival, outcome: .suppressed, reason: "delivery-report: multipart/report"),
            draft: nil, actor: "daemon")
        guard case .recorded(let row, let draftID?) = try store.record(
            IncomingMessage(
                mailbox: "support", uidValidity: 3, uid: 11, messageID: "demo-02@example.net", sender: "liam@example.net",
                subject: "Refund", receivedAt: arrival, outcome: .drafted, category: "refund", confidence: 0.82),
            draft: NewDraft(
                template: "refund", subject: "Re: Refund", body: "Hi Liam,",
                findingsJSON: #"[{"column":1,"line":3,"match":"no problem","message":"say my pleasure","rule":"no-problem","severity":"warning","suggestion":"my pleasure"}]"#,
                promisedBy: arrival.addingTimeInterval(4 * 3600)),
            actor: "daemon")
        else {
            Issue.record("record failed")
            return
        }
        try store.transition(draft: draftID, from: .queued, to: .rejected, actor: "maria", reason: "answered by phone")

        let bounce = try TactBinary.run(["explain", "<bounce-1@mx.example.net>", "--store", path])
        #expect(bounce.status == 0, "\(bounce.stderr)")
        #expect(bounce.stdout.contains("not answered: machine mail (delivery-report: multipart/report)"))

        let refund = try TactBinary.run(["explain", String(row), "--store", path])
        #expect(refund.status == 0, "\(refund.stderr)")
        #expect(refund.stdout.contains("drafted as refund (confidence 0.82)"))
        #expect(refund.stdout.contains("template refund, now rejected (answered by phone)"))
        #expect(refund.stdout.contains("3:1 warning no-problem"))
        #expect(refund.stdout.contains("maria: rejected (answered by phone)"))
        #expect(refund.stdout.contains("daemon: queued"))
    }

    /// The steps on the mail server are part of the story: the keyword and the copy in Drafts
    /// recorded with the message, the Sent copy and the \Answered flag after the reply was sent;
    /// each done, waiting, or failing with its last error.
    @Test func explainShowsTheStepsOnTheMailServer() throws {
        let directory = try TemporaryDirectory(prefix: "tact-explain")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let store = try SQLiteStore(path: path)
        guard case .recorded(let row, let draftID?) = try store.record(
            IncomingMessage(
                mailbox: "support", uidValidity: 3, uid: 12, messageID: "demo-03@example.net", sender: "ana@example.net",
                subject: "Where is my parcel?", receivedAt: arrival, outcome: .drafted, category: "order-status", confidence: 0.9),
            draft: NewDraft(template: "order-status", subject: "Re: Where is my parcel?", body: "Hi Ana,", findingsJSON: "[]"),
            steps: [.keyword("$TactQueued"), .appendDraft(folder: "Drafts")], actor: "daemon")
        else {
            Issue.record("record failed")
            return
        }
        let steps = try store.pendingSteps(mailbox: "support")
        #expect(steps.count == 2)
        for step in steps {
            try store.finishStep(step.id, error: step.kind == .keyword("$TactQueued") ? nil : "NO [TRYCREATE] Mailbox doesn't exist: Drafts")
        }
        let before = try TactBinary.run(["explain", String(row), "--store", path])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("on the mail server:\n    keyword $TactQueued: done\n"), "\(before.stdout)")
        #expect(before.stdout.contains("append to Drafts: pending, 1 failed attempt (last: NO [TRYCREATE] Mailbox doesn't exist: Drafts)"))
        #expect(!before.stdout.contains("after sending:"))

        try store.transition(draft: draftID, from: .queued, to: .approved, actor: "maria", reason: nil)
        try store.transition(draft: draftID, from: .approved, to: .sending, actor: "outbox", reason: nil)
        _ = try store.markSent(draft: draftID, reply: "250 OK", copy: Data("copy".utf8), steps: [.appendToSent, .flagAnswered], actor: "outbox")
        try store.finishPostSendStep(draft: draftID, kind: .appendToSent, error: nil, detail: nil, actor: "outbox")
        let after = try TactBinary.run(["explain", String(row), "--store", path])
        #expect(after.stdout.contains("after sending:\n      append to Sent: done\n      flag \\Answered: pending (the next pass does it)"), "\(after.stdout)")
    }

    @Test func unknownMessagesAndMissingStoresAreNamed() throws {
        let directory = try TemporaryDirectory(prefix: "tact-explain")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        _ = try SQLiteStore(path: path)
        let unknown = try TactBinary.run(["explain", "<nope@example.org>", "--store", path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no message <nope@example.org>"))
        let missing = try TactBinary.run(["explain", "1", "--store", directory.url.appendingPathComponent("absent.sqlite").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("there is no Tact database"))
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("absent.sqlite").path))
    }
}

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

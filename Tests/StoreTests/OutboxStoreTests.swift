import Foundation
import TactTestSupport
import Testing

@testable import Store

/// What the store keeps for the outbox: post-send steps recorded with `sent`, and bounces.
@Suite struct OutboxStoreTests {
    func withSentDraft<T>(_ body: (SQLiteStore, Int64, Int64) throws -> T) throws -> T {
        let directory = try TemporaryDirectory(prefix: "tact-store-outbox")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        let incoming = IncomingMessage(
            mailbox: "support", uidValidity: 7, uid: 1, messageID: "m1@example.org", sender: "jane@example.org",
            subject: "Where is my order?", receivedAt: Date(timeIntervalSince1970: 1_800_000_000), outcome: .drafted)
        let draft = NewDraft(
            template: "order-status", subject: "Re: Where is my order?", body: "Hi Jane,", replyMessageID: "<r1@shop.example>",
            recipient: "jane@example.org", inReplyTo: "m1@example.org", references: ["m1@example.org"])
        guard case .recorded(let row, let id?) = try store.record(incoming, draft: draft, actor: "daemon") else {
            throw TestSupportError("not recorded")
        }
        try store.transition(draft: id, from: .queued, to: .approved, actor: "maria", reason: nil)
        try store.transition(draft: id, from: .approved, to: .sending, actor: "outbox", reason: nil)
        return try body(store, id, row)
    }

    @Test func sentRecordsItsStepsAndTheCopyInOneGo() throws {
        try withSentDraft { store, id, row in
            let copy = Data("Message-ID: <r1@shop.example>\r\n\r\nHi Jane,\r\n".utf8)
            let sent = try store.markSent(draft: id, reply: "250 OK", copy: copy, steps: [.appendToSent, .flagAnswered], actor: "outbox")
            #expect(sent.state == .sent)
            #expect(sent.stateReason == "250 OK")
            let pending = try store.pendingPostSendSteps()
            #expect(pending.map(\.kind) == [.appendToSent, .flagAnswered])
            #expect(pending.allSatisfy { $0.copy == copy && $0.attempts == 0 && $0.draftID == id })
            // A failure stays pending, counted, and is in the audit log.
            try store.finishPostSendStep(draft: id, kind: .flagAnswered, error: "IMAP down", detail: nil, actor: "outbox")
            #expect(try store.pendingPostSendSteps().first { $0.kind == .flagAnswered }?.attempts == 1)
            #expect(try store.pendingPostSendSteps().first { $0.kind == .flagAnswered }?.lastError == "IMAP down")
            try store.finishPostSendStep(draft: id, kind: .appendToSent, error: nil, detail: "copied to Sent (UID 3)", actor: "outbox")
            try store.finishPostSendStep(draft: id, kind: .flagAnswered, error: nil, detail: "flagged", actor: "outbox")
            #expect(try store.pendingPostSendSteps().isEmpty)
            // Finishing twice records nothing more.
            try store.finishPostSendStep(draft: id, kind: .flagAnswered, error: nil, detail: "flagged", actor: "outbox")
            let trail = try store.auditTrail(messageRowID: row).map { "\($0.action): \($0.detail ?? "")" }
            #expect(Array(trail.suffix(4)) == [
                "sent: 250 OK", "flag-answered failed: IMAP down; tried again on the next outbox pass",
                "append-to-sent: copied to Sent (UID 3)", "flag-answered: flagged",
            ])
            // sent -> sent again is refused: markSent happens once.
            #expect(throws: StoreError.self) {
                try store.markSent(draft: id, reply: "250 OK", copy: copy, steps: [.flagAnswered], actor: "outbox")
            }
        }
    }

    @Test func aStepIsClaimedByOneProcessAtATimeUntilItsClaimRunsOut() throws {
        try withSentDraft { store, id, _ in
            try store.markSent(draft: id, reply: "250 OK", copy: Data("x".utf8), steps: [.appendToSent], actor: "outbox")
            let now = Date()
            #expect(try store.claimPostSendStep(draft: id, kind: .appendToSent, for: 300, now: now))
            #expect(try !store.claimPostSendStep(draft: id, kind: .appendToSent, for: 300, now: now.addingTimeInterval(10)))
            // The holder crashed: its claim runs out and the step can be taken again.
            #expect(try store.claimPostSendStep(draft: id, kind: .appendToSent, for: 300, now: now.addingTimeInterval(301)))
            // A failure releases the claim at once.
            try store.finishPostSendStep(draft: id, kind: .appendToSent, error: "down", detail: nil, actor: "outbox")
            #expect(try store.claimPostSendStep(draft: id, kind: .appendToSent, for: 300, now: now.addingTimeInterval(302)))
            try store.finishPostSendStep(draft: id, kind: .appendToSent, error: nil, detail: "copied", actor: "outbox")
            #expect(try !store.claimPostSendStep(draft: id, kind: .appendToSent, for: 300, now: now.addingTimeInterval(1000)))
        }
    }

    @Test func aBounceIsRecordedOnceWithTheDraftAndTheAddress() throws {
        try withSentDraft { store, id, _ in
            try store.markSent(draft: id, reply: "250 OK", copy: Data(), steps: [], actor: "outbox")
            #expect(try store.drafts(withReplyMessageID: ["r1@shop.example"]).map(\.id) == [id])
            #expect(try store.drafts(withReplyMessageID: ["<r1@shop.example>"]).map(\.id) == [id])
            #expect(try store.drafts(withReplyMessageID: ["other@shop.example"]).isEmpty)
            let report = IncomingMessage(
                mailbox: "support", uidValidity: 7, uid: 2, messageID: "dsn@mx.example.org", sender: "mailer-daemon@mx.example.org",
                subject: "Undelivered", receivedAt: Date(), outcome: .suppressed, reason: "delivery-report")
            guard case .recorded(let reportRow, nil) = try store.recordBounce(
                report, draft: id, address: "Jane@Example.org", status: "5.1.1", actor: "daemon")
            else {
                Issue.record("not recorded")
                return
            }
            #expect(try store.draft(id: id)?.state == .bounced)
            #expect(try store.draft(id: id)?.stateReason?.contains("message \(reportRow)") == true)
            let entry = try #require(try store.bouncedAddress("jane@EXAMPLE.org"))
            #expect(entry.address == "jane@example.org")
            #expect(entry.status == "5.1.1")
            #expect(entry.draftID == id)
            #expect(try store.bouncedAddress("john@example.org") == nil)
            #expect(try store.recordBounce(report, draft: id, address: "jane@example.org", status: "5.1.1", actor: "daemon")
                == .alreadyRecorded(messageRowID: reportRow))
        }
    }
}

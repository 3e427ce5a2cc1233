import Foundation
import TactTestSupport
import Testing

@testable import Store

/// A draft with a copy in a Drafts folder (mode `drafts-folder`) gets a step to bring that copy in
/// line with every change that alters its text or ends it, in the same transaction; a draft
/// without a copy gets none.
@Suite struct DraftsCopyStepTests {
    /// Records one drafted message with `steps`, and gives the store and the draft's id.
    func withDraft<T>(uid: UInt32 = 1, steps: [ServerStepKind], _ body: (SQLiteStore, Int64) throws -> T) throws -> T {
        let directory = try TemporaryDirectory(prefix: "tact-store-drafts-copy")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        let incoming = IncomingMessage(
            mailbox: "support", uidValidity: 7, uid: uid, messageID: "m\(uid)@example.org", sender: "jane@example.org",
            subject: "Where is my order?", receivedAt: Date(timeIntervalSince1970: 1_800_000_000), outcome: .drafted)
        let draft = NewDraft(
            template: "order-status", subject: "Re: Where is my order?", body: "Hi Jane,",
            replyMessageID: "<r\(uid)@shop.example>", recipient: "jane@example.org", inReplyTo: "m\(uid)@example.org",
            references: ["m\(uid)@example.org"])
        guard case .recorded(_, let id?) = try store.record(incoming, draft: draft, steps: steps, actor: "daemon") else {
            throw TestSupportError("not recorded")
        }
        return try body(store, id)
    }

    func refreshes(_ store: SQLiteStore) throws -> [ServerStep] {
        try store.pendingSteps(mailbox: "support").filter { $0.kind == .refreshDraft(folder: "Drafts") }
    }

    @Test func anEditARenewedPromiseAndTheEndOfADraftEachAskForItsCopyToBeUpdated() throws {
        try withDraft(steps: [.keyword("$TactQueued"), .appendDraft(folder: "Drafts")]) { store, id in
            #expect(try refreshes(store).isEmpty)
            var revised = try #require(try store.draft(id: id)).draft
            revised.body = "Hi Jane, edited."
            _ = try store.revise(draft: id, to: revised, category: "order-status", actor: "maria", detail: "edited")
            #expect(try refreshes(store).map(\.draftID) == [id])
            // Approving as it stands changes nothing in the text: no step.
            try store.transition(draft: id, from: .queued, to: .approved, actor: "maria", reason: nil)
            #expect(try refreshes(store).count == 1)
            // Back to the queue with a renewed promise in the text: a step.
            _ = try store.transition(
                draft: id, from: .approved, to: .queued, actor: "outbox", reason: "promise renewed",
                revision: DraftRevision(body: "Hi Jane, by Friday.", promisedBy: Date(timeIntervalSince1970: 1_800_100_000)))
            #expect(try refreshes(store).count == 2)
            // Rejected: the copy must go.
            try store.transition(draft: id, from: .queued, to: .rejected, actor: "maria", reason: "duplicate")
            let steps = try refreshes(store)
            #expect(steps.count == 3)
            #expect(steps.allSatisfy { $0.draftID == id && $0.uid == 1 && $0.uidValidity == 7 })
            #expect(try store.serverSteps(messageRowID: try #require(steps.first).messageRowID).map(\.what).suffix(3)
                == Array(repeating: "update the copy in Drafts", count: 3))
        }
    }

    @Test func aSentOrSupersededDraftAsksForItsCopyToGo() throws {
        try withDraft(steps: [.appendDraft(folder: "Drafts")]) { store, id in
            try store.transition(draft: id, from: .queued, to: .approved, actor: "maria", reason: nil)
            try store.transition(draft: id, from: .approved, to: .sending, actor: "outbox", reason: nil)
            #expect(try refreshes(store).isEmpty)
            try store.markSent(draft: id, reply: "250 OK", copy: Data("x".utf8), steps: [], actor: "outbox")
            #expect(try refreshes(store).count == 1)
        }
        try withDraft(uid: 2, steps: [.appendDraft(folder: "Drafts")]) { store, id in
            try store.transition(draft: id, from: .queued, to: .superseded, actor: "daemon", reason: "a later mail")
            #expect(try refreshes(store).count == 1)
        }
    }

    @Test func aDraftWithoutACopyGetsNoStep() throws {
        try withDraft(steps: [.keyword("$TactQueued")]) { store, id in
            var revised = try #require(try store.draft(id: id)).draft
            revised.body = "Hi Jane, edited."
            _ = try store.revise(draft: id, to: revised, category: "order-status", actor: "maria", detail: "edited")
            try store.transition(draft: id, from: .queued, to: .rejected, actor: "maria", reason: "duplicate")
            #expect(try store.pendingSteps(mailbox: "support").map(\.kind) == [.keyword("$TactQueued")])
        }
    }
}

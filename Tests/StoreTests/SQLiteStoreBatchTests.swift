import Foundation
import TactTestSupport
import Testing

@testable import Store

/// `batch`: a fetched batch of messages recorded in one transaction (the daemon's backlog path),
/// and the narrow queries behind `tact queue list` and `tact status`.
@Suite struct SQLiteStoreBatchTests {
    struct Failure: Error {}

    func message(uid: UInt32, sender: String = "jane@example.org") -> IncomingMessage {
        IncomingMessage(
            mailbox: "support", uidValidity: 7, uid: uid, messageID: "<b\(uid)@example.org>", sender: sender,
            subject: "Order \(uid)", receivedAt: Date(timeIntervalSince1970: 1_800_000_000), outcome: .drafted,
            reason: nil, category: "order-status", confidence: 0.9, senderName: "Jane \(uid)")
    }

    func draft(_ uid: UInt32, promisedBy: Date? = Date(timeIntervalSince1970: 1_800_010_000)) -> NewDraft {
        NewDraft(template: "order-status", subject: "Re: Order \(uid)", body: "Hi Jane,\n\nThanks.", findingsJSON: "[]",
                 promisedBy: promisedBy)
    }

    func withStore<T>(_ body: (SQLiteStore, String) throws -> T) throws -> T {
        let directory = try TemporaryDirectory(prefix: "tact-store")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        return try body(try SQLiteStore(path: path), path)
    }

    @Test func readsInsideABatchSeeItsOwnWritesAndOthersSeeThemOnlyAfterTheCommit() throws {
        try withStore { store, path in
            let other = try SQLiteStore(path: path)
            try store.batch {
                _ = try store.record(message(uid: 1), draft: draft(1), actor: "daemon")
                // The per-sender window and the hourly cap read what this batch wrote.
                #expect(try store.isRecorded(mailbox: "support", uidValidity: 7, uid: 1))
                #expect(try store.lastAcknowledgement(of: "jane@example.org") != nil)
                #expect(try store.acknowledgementCount(mailbox: "support", since: .distantPast) == 1)
                // Another connection does not see the uncommitted batch.
                #expect(try !other.isRecorded(mailbox: "support", uidValidity: 7, uid: 1))
                _ = try store.record(message(uid: 2, sender: "ann@example.org"), draft: draft(2), actor: "daemon")
            }
            #expect(try other.isRecorded(mailbox: "support", uidValidity: 7, uid: 2))
            #expect(try other.draftCounts()[.queued] == 2)
        }
    }

    @Test func aBatchThatThrowsRecordsNothing() throws {
        try withStore { store, _ in
            #expect(throws: Failure.self) {
                try store.batch {
                    _ = try store.record(message(uid: 1), draft: draft(1), actor: "daemon")
                    try store.save(MailboxState(mailbox: "support", uidValidity: 7, lastUID: 1, baselineAt: Date()))
                    throw Failure()
                }
            }
            #expect(try !store.isRecorded(mailbox: "support", uidValidity: 7, uid: 1))
            #expect(try store.mailboxState("support") == nil)
            #expect(try store.auditTrail(messageRowID: 1).isEmpty)
            // The store works normally afterwards.
            _ = try store.record(message(uid: 1), draft: draft(1), actor: "daemon")
            #expect(try store.isRecorded(mailbox: "support", uidValidity: 7, uid: 1))
        }
    }

    /// Writes inside a batch have no savepoint of their own, so one that threw may have done part
    /// of its work: the batch must then record nothing, even if its body caught the error.
    @Test func aWriteThatThrewSpoilsTheBatchEvenWhenTheErrorWasCaught() throws {
        try withStore { store, _ in
            var caught: (any Error)?
            var batchError: (any Error)?
            do {
                try store.batch {
                    _ = try store.record(message(uid: 1), draft: draft(1), actor: "daemon")
                    do {
                        _ = try store.transition(draft: 999, from: .queued, to: .approved, actor: "jo", reason: nil)
                    } catch {
                        caught = error  // swallowed: the batch goes on
                    }
                    _ = try store.record(message(uid: 2, sender: "ann@example.org"), draft: draft(2), actor: "daemon")
                }
            } catch {
                batchError = error
            }
            // The batch throws the write's own error.
            #expect(caught is StoreError)
            #expect(batchError.map { "\($0)" } == caught.map { "\($0)" })
            #expect(try !store.isRecorded(mailbox: "support", uidValidity: 7, uid: 1))
            #expect(try !store.isRecorded(mailbox: "support", uidValidity: 7, uid: 2))
            // The next batch starts clean.
            try store.batch { _ = try store.record(message(uid: 3), draft: draft(3), actor: "daemon") }
            #expect(try store.isRecorded(mailbox: "support", uidValidity: 7, uid: 3))
        }
    }

    @Test func queueLinesAreTheOldestFirstWithTheTotal() throws {
        try withStore { store, _ in
            for uid in UInt32(1)...5 { _ = try store.record(message(uid: uid), draft: draft(uid), actor: "daemon") }
            let (lines, total) = try store.queueLines(in: .queued, limit: 3)
            #expect(total == 5)
            #expect(lines.map(\.id) == [1, 2, 3])
            #expect(lines.first?.customer == "Jane 1")
            #expect(lines.first?.subject == "Order 1")
            #expect(lines.first?.category == "order-status")
            #expect(try store.queueLines(in: .queued, limit: nil).lines.count == 5)
            #expect(try store.queueLines(in: .approved, limit: nil).total == 0)
        }
    }

    @Test func overdueDraftsAreOnlyThosePastTheirPromise() throws {
        try withStore { store, _ in
            let now = Date(timeIntervalSince1970: 1_800_005_000)
            _ = try store.record(message(uid: 1), draft: draft(1, promisedBy: now.addingTimeInterval(-60)), actor: "daemon")
            _ = try store.record(message(uid: 2), draft: draft(2, promisedBy: now.addingTimeInterval(60)), actor: "daemon")
            _ = try store.record(message(uid: 3), draft: draft(3, promisedBy: nil), actor: "daemon")
            _ = try store.record(message(uid: 4), draft: draft(4, promisedBy: now.addingTimeInterval(-1)), actor: "daemon")
            try store.transition(draft: 4, from: .queued, to: .rejected, actor: "jo", reason: "spam")
            let overdue = try store.overdueDrafts(before: now)
            #expect(overdue.map(\.id) == [1])
            #expect(overdue.first?.state == .queued)
        }
    }
}

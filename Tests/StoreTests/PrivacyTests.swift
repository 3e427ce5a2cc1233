import Foundation
import TactTestSupport
import Testing

@testable import Store

/// Retention, forgetting a person, and backups, on a real SQLite file.
@Suite struct PrivacyTests {
    func message(uid: UInt32, from sender: String, name: String? = nil, outcome: MessageOutcome = .drafted) -> IncomingMessage {
        IncomingMessage(
            mailbox: "support", uidValidity: 7, uid: uid, messageID: "<m\(uid)@example.org>", sender: sender,
            subject: "Order \(uid)", receivedAt: Date(), outcome: outcome, senderName: name,
            customerText: "Hello, this is \(name ?? sender) about order \(uid).")
    }

    func draft(to recipient: String, name: String? = nil) -> NewDraft {
        NewDraft(
            template: "question", subject: "Re: Order", body: "Hi \(name ?? "there"),\n\nthank you…", findingsJSON: "[]",
            promisedBy: nil, recipient: recipient, recipientName: name)
    }

    func withStore<T>(_ body: (SQLiteStore, TemporaryDirectory) throws -> T) throws -> T {
        let directory = try TemporaryDirectory(prefix: "tact-privacy")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        return try body(store, directory)
    }

    func recorded(_ result: RecordResult) throws -> (Int64, Int64?) {
        guard case .recorded(let row, let draft) = result else { throw TestSupportError("not recorded: \(result)") }
        return (row, draft)
    }

    // MARK: - Retention

    @Test func retentionDeletesOldFinishedMailButNeverADraftAPersonMayStillActOn() throws {
        try withStore { store, _ in
            // Finished: suppressed mail, a sent reply, a rejected draft.
            let (suppressed, _) = try recorded(store.record(message(uid: 1, from: "news@list.example", outcome: .suppressed), draft: nil, actor: "daemon"))
            let (sentRow, sentDraft) = try recorded(store.record(message(uid: 2, from: "a@example.org"), draft: draft(to: "a@example.org"), actor: "daemon"))
            try store.transition(draft: sentDraft!, from: .queued, to: .approved, actor: "maria", reason: nil)
            try store.transition(draft: sentDraft!, from: .approved, to: .sending, actor: "outbox", reason: nil)
            try store.transition(draft: sentDraft!, from: .sending, to: .sent, actor: "outbox", reason: "250 ok")
            let (rejectedRow, rejectedDraft) = try recorded(store.record(message(uid: 3, from: "b@example.org"), draft: draft(to: "b@example.org"), actor: "daemon"))
            try store.transition(draft: rejectedDraft!, from: .queued, to: .rejected, actor: "maria", reason: "spam")
            // Pending: queued, approved, failed.
            let (queuedRow, queuedDraft) = try recorded(store.record(message(uid: 4, from: "c@example.org"), draft: draft(to: "c@example.org"), actor: "daemon"))
            let (approvedRow, approvedDraft) = try recorded(store.record(message(uid: 5, from: "d@example.org"), draft: draft(to: "d@example.org"), actor: "daemon"))
            try store.transition(draft: approvedDraft!, from: .queued, to: .approved, actor: "maria", reason: nil)
            let (failedRow, failedDraft) = try recorded(store.record(message(uid: 6, from: "e@example.org"), draft: draft(to: "e@example.org"), actor: "daemon"))
            try store.transition(draft: failedDraft!, from: .queued, to: .approved, actor: "maria", reason: nil)
            try store.transition(draft: failedDraft!, from: .approved, to: .sending, actor: "outbox", reason: nil)
            try store.transition(draft: failedDraft!, from: .sending, to: .failed, actor: "outbox", reason: "550")
            // An old message whose reply was sent only after the cutoff: recent activity, kept.
            let (lateRow, lateDraft) = try recorded(store.record(message(uid: 7, from: "f@example.org"), draft: draft(to: "f@example.org"), actor: "daemon"))
            try store.transition(draft: lateDraft!, from: .queued, to: .approved, actor: "maria", reason: nil)
            usleep(5_000)
            let cutoff = Date()
            usleep(5_000)
            try store.transition(draft: lateDraft!, from: .approved, to: .rejected, actor: "maria", reason: nil)
            // Recorded after the cutoff: kept whatever its state.
            let (newRow, _) = try recorded(store.record(message(uid: 8, from: "g@example.org", outcome: .suppressed), draft: nil, actor: "daemon"))
            #expect(try store.lastAcknowledgement(of: "a@example.org") != nil)

            let report = try store.purge(recordedBefore: cutoff)
            #expect(report == PurgeReport(messages: 3, drafts: 2, auditRows: 1 + 5 + 3, keptForPendingDrafts: 4))
            for gone in [suppressed, sentRow, rejectedRow] {
                #expect(try store.message(rowID: gone) == nil, "message \(gone) should be purged")
                #expect(try store.auditTrail(messageRowID: gone).isEmpty)
            }
            #expect(try store.draft(id: sentDraft!) == nil)
            for kept in [queuedRow, approvedRow, failedRow, lateRow, newRow] {
                #expect(try store.message(rowID: kept) != nil, "message \(kept) must be kept")
            }
            #expect(try store.draft(id: queuedDraft!)?.state == .queued)
            #expect(try store.draft(id: approvedDraft!)?.state == .approved)
            #expect(try store.draft(id: failedDraft!)?.state == .failed)
            // Acknowledgement memory goes with the message.
            #expect(try store.lastAcknowledgement(of: "a@example.org") == nil)
            // Nothing more to do the second time.
            #expect(try store.purge(recordedBefore: cutoff).messages == 0)
        }
    }

    // MARK: - Forgetting a person

    @Test func forgettingAPersonRemovesTheirMailDraftsAuditAndMemoryAndNothingElse() throws {
        try withStore { store, directory in
            let anna = "Anna.Lindqvist@Example.org"
            let (first, firstDraft) = try recorded(store.record(message(uid: 1, from: anna, name: "Anna Lindqvist"), draft: draft(to: anna, name: "Anna"), actor: "daemon"))
            let (second, _) = try recorded(store.record(message(uid: 2, from: anna.lowercased(), name: "Anna Lindqvist", outcome: .rateLimited), draft: nil, actor: "daemon"))
            // Bob wrote with Reply-To: Anna, so the draft goes to her.
            let (forwarded, _) = try recorded(store.record(message(uid: 3, from: "bob@example.net", name: "Bob"), draft: draft(to: anna.lowercased(), name: "Anna"), actor: "daemon"))
            // Bob's own mail stays, but a reviewer's note naming Anna is redacted.
            let (bob, bobDraft) = try recorded(store.record(message(uid: 4, from: "bob@example.net", name: "Bob"), draft: draft(to: "bob@example.net", name: "Bob"), actor: "daemon"))
            _ = try store.revise(
                draft: bobDraft!, to: draft(to: "bob@example.net"), category: "question", actor: "maria",
                detail: "same issue as Anna Lindqvist <anna.lindqvist@example.org>")
            try store.transition(draft: firstDraft!, from: .queued, to: .approved, actor: "maria", reason: nil)
            #expect(try store.lastAcknowledgement(of: anna) != nil)

            let report = try store.forget(address: "  ANNA.lindqvist@example.ORG ")
            #expect(report.messageRowIDs == [first, second, forwarded])
            #expect(report.drafts == 2)
            #expect(report.auditRows == 3 + 1 + 2)
            #expect(report.auditRowsRedacted == 1)
            for gone in [first, second, forwarded] {
                #expect(try store.message(rowID: gone) == nil)
                #expect(try store.auditTrail(messageRowID: gone).isEmpty)
            }
            #expect(try store.lastAcknowledgement(of: anna) == nil)
            #expect(try store.message(rowID: bob)?.message.sender == "bob@example.net")
            #expect(try store.draft(id: bobDraft!)?.state == .queued)
            let trail = try store.auditTrail(messageRowID: bob)
            #expect(trail.count == 3)
            #expect(trail.contains { $0.detail == "[forgotten]" })
            // The deleted rows are overwritten in the file, not left in free pages or the log.
            for name in ["tact.sqlite", "tact.sqlite-wal"] {
                let path = directory.url.appendingPathComponent(name).path
                guard let bytes = FileManager.default.contents(atPath: path) else { continue }
                let text = String(decoding: bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
                #expect(!text.contains("anna.lindqvist@example.org"), "\(name) still holds the address")
                #expect(!text.contains("anna lindqvist"), "\(name) still holds the name")
            }
            #expect(try store.forget(address: anna) == ForgetReport())
        }
    }

    /// Copies of their drafts in a Drafts folder stay on the mail server: the report names those
    /// that may still be there, and only those.
    @Test func forgettingNamesTheDraftsCopiesLeftOnTheServer() throws {
        try withStore { store, _ in
            let anna = "anna@example.org"
            func drafted(_ uid: UInt32, copy: Bool) throws -> Int64 {
                var new = draft(to: anna, name: "Anna")
                new.replyMessageID = "<r\(uid)@shop.example>"
                let result = try store.record(
                    message(uid: uid, from: anna), draft: new, steps: copy ? [.appendDraft(folder: "Drafts")] : [],
                    actor: "daemon")
                return try #require(try recorded(result).1)
            }
            _ = try drafted(1, copy: true)  // queued: its copy is there
            let rejected = try drafted(2, copy: true)  // rejected, and the copy removed
            let rejectedPending = try drafted(3, copy: true)  // rejected, the removal not yet run
            _ = try drafted(4, copy: false)  // review mode: no copy
            try store.transition(draft: rejected, from: .queued, to: .rejected, actor: "maria", reason: "duplicate")
            try store.transition(draft: rejectedPending, from: .queued, to: .rejected, actor: "maria", reason: "duplicate")
            for step in try store.pendingSteps(mailbox: "support") where step.draftID == rejected {
                try store.finishStep(step.id, error: nil)
            }
            let report = try store.forget(address: anna)
            #expect(report.drafts == 4)
            #expect(report.draftCopiesLeft == [
                ForgetReport.DraftCopy(folder: "Drafts", messageID: "<r1@shop.example>"),
                ForgetReport.DraftCopy(folder: "Drafts", messageID: "<r3@shop.example>"),
            ])
        }
    }

    @Test func forgettingWaitsWhileAReplyToThePersonIsBeingSent() throws {
        try withStore { store, _ in
            let (row, draftID) = try recorded(store.record(message(uid: 1, from: "anna@example.org"), draft: draft(to: "anna@example.org"), actor: "daemon"))
            try store.transition(draft: draftID!, from: .queued, to: .approved, actor: "maria", reason: nil)
            try store.transition(draft: draftID!, from: .approved, to: .sending, actor: "outbox", reason: nil)
            do {
                _ = try store.forget(address: "anna@example.org")
                Issue.record("forget must refuse while a reply is being sent")
            } catch let error as StoreError {
                #expect(error.kind == .conflict)
                #expect(error.description.contains("nothing was deleted"))
            }
            #expect(try store.message(rowID: row) != nil)
            try store.transition(draft: draftID!, from: .sending, to: .sent, actor: "outbox", reason: "250")
            #expect(try store.forget(address: "anna@example.org").messageRowIDs == [row])
        }
    }

    // MARK: - Backup

    @Test func aBackupIsACompleteCheckedCopyClosedToOthersAndNeverOverwritesByAccident() throws {
        try withStore { store, directory in
            for uid in 1...20 as ClosedRange<UInt32> {
                _ = try store.record(message(uid: uid, from: "c\(uid)@example.org"), draft: draft(to: "c\(uid)@example.org"), actor: "daemon")
            }
            let destination = directory.url.appendingPathComponent("copy.sqlite").path
            let report = try store.backup(to: destination, replacing: false)
            #expect(report.messages == 20 && report.drafts == 20 && report.bytes > 0)
            let mode = try FileManager.default.attributesOfItem(atPath: destination)[.posixPermissions] as? Int
            #expect(mode == 0o640, "mode \(String(mode ?? 0, radix: 8))")
            let copy = try SQLiteStore(path: destination)
            #expect(try copy.drafts(in: .queued).count == 20)
            // An existing file is left alone without `replacing`.
            try Data("precious".utf8).write(to: URL(fileURLWithPath: destination + ".other"))
            #expect(throws: StoreError.self) { try store.backup(to: destination + ".other", replacing: false) }
            #expect(try String(contentsOfFile: destination + ".other", encoding: .utf8) == "precious")
            #expect(try store.backup(to: destination + ".other", replacing: true).messages == 20)
            // No temporary file is left behind.
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".tact-backup") }
            #expect(leftovers.isEmpty)
            #expect(throws: StoreError.self) { try store.backup(to: "/nonexistent-tact-folder/copy.sqlite", replacing: false) }
        }
    }
}

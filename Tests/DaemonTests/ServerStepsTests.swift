import Configuration
import Foundation
import MailTransport
import TactTestSupport
import Testing

@testable import Daemon
@testable import Store

/// Mode `drafts-folder` and `mark_queued` against a real Dovecot: the steps on the server happen
/// after the commit, and replaying them (after a crash) changes nothing.
@Suite struct ServerStepsTests {
    func configuration(_ dovecot: Dovecot, _ directory: TemporaryDirectory, extra: String) throws -> TactConfiguration {
        let path = try writeTactConfiguration(
            in: directory.path, dovecot: dovecot, sink: nil, repository: repository.path, mailboxSettings: extra)
        return try TactConfiguration.load(explicitPath: path, environment: [:]).configuration
    }

    func worker(_ configuration: TactConfiguration, _ store: SQLiteStore) throws -> MailboxWorker {
        let mailbox = try #require(configuration.mailboxes.first)
        let processor = try Pipeline.processor(
            for: mailbox, configuration: configuration, shared: try Pipeline.shared(configuration), store: store)
        return MailboxWorker(
            configuration: mailbox, processor: processor,
            session: IMAPSession(endpoint: mailbox.endpoint, credentials: mailbox.credentials))
    }

    /// A Dovecot whose INBOX held one customer mail, passed in mode `drafts-folder`: its draft is
    /// queued and its copy is in Drafts.
    func withDraftInDraftsFolder(
        capabilities: String? = nil, _ body: (Dovecot, MailboxConfiguration, SQLiteStore, StoredDraft) async throws -> Void
    ) async throws {
        try await withDovecot(capabilities: capabilities) { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-steps")
            defer { directory.remove() }
            let configuration = try self.configuration(dovecot, directory, extra: "mode = \"drafts-folder\"")
            let store = try SQLiteStore(path: configuration.daemon.storePath)
            try dovecot.deliver(Array(try demoMail("02-refund.eml")))
            let pass = try await self.worker(configuration, store).pass(now: { Date() }, backfillSince: Date(timeIntervalSince1970: 0))
            #expect(pass.steps.done == 1, "\(pass)")
            try await body(dovecot, try #require(configuration.mailboxes.first), store, try #require(try store.drafts(in: .queued).first))
        }
    }

    @Test func draftsGoToTheDraftsFolderOnceAndOriginalsAreKeyworded() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-steps")
            defer { directory.remove() }
            let configuration = try self.configuration(dovecot, directory, extra: "mode = \"drafts-folder\"\nmark_queued = true")
            let store = try SQLiteStore(path: configuration.daemon.storePath)
            let worker = try self.worker(configuration, store)
            try dovecot.deliver(Array(try demoMail("02-refund.eml")))
            try dovecot.deliver(Array(try demoMail("14-bounce.eml")))
            let pass = try await worker.pass(now: { Date() }, backfillSince: Date(timeIntervalSince1970: 0))
            #expect(pass.outcomes[.drafted] == 1)
            #expect(pass.steps.done == 2, "\(pass)")
            #expect(pass.stepsError == nil)
            let draft = try #require(try store.drafts(in: .queued).first)
            let messageID = try #require(draft.draft.replyMessageID)
            // The draft is in Drafts, flagged \Draft, found by its Message-ID.
            let copies = try dovecot.search(header: "Message-ID", contains: messageID, mailbox: "Drafts")
            #expect(copies.count == 1)
            #expect(try dovecot.flags(uid: try #require(copies.first), mailbox: "Drafts").contains("\\Draft"))
            // The customer's mail carries $TactQueued and is still unread; the bounce has no keyword.
            #expect(try dovecot.flags(uid: 1) == ["$TactQueued"])
            #expect(try dovecot.flags(uid: 2).isEmpty)
            #expect(try store.pendingSteps(mailbox: "support").isEmpty)

            // A crash after the APPEND but before it was recorded: the steps are pending again.
            // Replaying them adds no second copy.
            try await store.pool.write { try $0.execute(sql: "UPDATE server_step SET done = 0") }
            #expect(try store.pendingSteps(mailbox: "support").count == 2)
            let replay = try await ServerSteps(mailbox: try #require(configuration.mailboxes.first), store: store).run()
            #expect(replay.done == 2)
            #expect(try dovecot.search(header: "Message-ID", contains: messageID, mailbox: "Drafts").count == 1)
            #expect(try dovecot.count(mailbox: "Drafts") == 1)
            #expect(try dovecot.flags(uid: 1) == ["$TactQueued"])
        }
    }

    /// The copy in Drafts follows the draft: an edit replaces it (one copy, the new text), and a
    /// rejection removes it; replaying any of these steps after a crash ends in the same folder.
    @Test func theDraftsCopyIsReplacedAfterAnEditAndRemovedWhenTheDraftIsRejected() async throws {
        try await withDraftInDraftsFolder { dovecot, mailbox, store, draft in
            let messageID = try #require(draft.draft.replyMessageID)
            let first = try dovecot.search(header: "Message-ID", contains: messageID, mailbox: "Drafts")
            #expect(first.count == 1)
            func copyText(_ uid: UInt32) throws -> String {
                try dovecot.doveadm("fetch", ["text", "mailbox", "Drafts", "uid", "\(uid)"])
            }
            #expect(try !copyText(try #require(first.first)).contains("Edited by Maria"))

            var revised = draft.draft
            revised.body = "Hello,\n\nEdited by Maria.\n\nKind regards,\nMaria\n"
            _ = try store.revise(draft: draft.id, to: revised, category: "refund", actor: "maria", detail: "edited")
            let update = try await ServerSteps(mailbox: mailbox, store: store).run()
            #expect(update.done == 1 && update.failed.isEmpty, "\(update)")
            let second = try dovecot.search(header: "Message-ID", contains: messageID, mailbox: "Drafts")
            #expect(second.count == 1)
            #expect(second != first, "the old copy is expunged and a new one appended")
            #expect(try dovecot.count(mailbox: "Drafts") == 1)
            #expect(try copyText(try #require(second.first)).contains("Edited by Maria"))
            #expect(try dovecot.flags(uid: try #require(second.first), mailbox: "Drafts") == ["\\Draft"])

            // A crash before the step was recorded as done: the replay still leaves one copy.
            try await store.pool.write { try $0.execute(sql: "UPDATE server_step SET done = 0") }
            let replay = try await ServerSteps(mailbox: mailbox, store: store).run()
            #expect(replay.done == 2, "\(replay)")
            #expect(try dovecot.count(mailbox: "Drafts") == 1)
            let third = try dovecot.search(header: "Message-ID", contains: messageID, mailbox: "Drafts")
            #expect(try copyText(try #require(third.first)).contains("Edited by Maria"))

            // Rejected: the copy goes, and replaying every step (the first APPEND included)
            // brings no copy back.
            try store.transition(draft: draft.id, from: .queued, to: .rejected, actor: "maria", reason: "duplicate")
            let removal = try await ServerSteps(mailbox: mailbox, store: store).run()
            #expect(removal.done == 1 && removal.failed.isEmpty, "\(removal)")
            #expect(try dovecot.count(mailbox: "Drafts") == 0)
            try await store.pool.write { try $0.execute(sql: "UPDATE server_step SET done = 0") }
            let replayAll = try await ServerSteps(mailbox: mailbox, store: store).run()
            #expect(replayAll.done == 3, "\(replayAll)")
            #expect(try dovecot.count(mailbox: "Drafts") == 0)
            // The customer's own mail is untouched.
            #expect(try dovecot.count() == 1)
            #expect(try dovecot.flags(uid: 1).isEmpty)
        }
    }

    /// A server without UIDPLUS: a plain EXPUNGE would also remove whatever a person had marked
    /// `\Deleted` in Drafts, so the old copy is only marked, and the new one appended.
    @Test func withoutUIDPLUSTheOldCopyIsOnlyMarkedDeleted() async throws {
        try await withDraftInDraftsFolder(capabilities: "IMAP4rev1 LITERAL+ CONDSTORE IDLE") { dovecot, mailbox, store, draft in
            // Someone's own draft, marked for deletion but not purged: it must survive.
            try dovecot.deliver(Array("Subject: mine\r\nMessage-ID: <own@example.org>\r\n\r\nnotes\r\n".utf8), to: "Drafts")
            let own = try #require(try dovecot.search(header: "Message-ID", contains: "own@example.org", mailbox: "Drafts").first)
            try dovecot.doveadm("flags add", ["\\Deleted", "mailbox", "Drafts", "uid", "\(own)"])
            let messageID = try #require(draft.draft.replyMessageID)
            let old = try #require(try dovecot.search(header: "Message-ID", contains: messageID, mailbox: "Drafts").first)
            var revised = draft.draft
            revised.body = "Hello,\n\nEdited by Maria.\n"
            _ = try store.revise(draft: draft.id, to: revised, category: "refund", actor: "maria", detail: "edited")
            let update = try await ServerSteps(mailbox: mailbox, store: store).run()
            #expect(update.done == 1 && update.failed.isEmpty, "\(update)")
            #expect(try dovecot.flags(uid: old, mailbox: "Drafts") == ["\\Draft", "\\Deleted"])
            #expect(try dovecot.search(["undeleted", "header", "Message-ID", messageID], mailbox: "Drafts").count == 1)
            #expect(try dovecot.count(mailbox: "Drafts") == 3, "the old copy and the person's own draft are still there")
        }
    }

    /// The mailbox loop and the outbox loop may both run the steps of one mailbox at once; the
    /// second waits for the first, so an update does not end in two copies.
    @Test func twoRunsAtOnceLeaveOneCopy() async throws {
        try await withDraftInDraftsFolder { dovecot, mailbox, store, draft in
            for round in 1...5 {
                var revised = draft.draft
                revised.body = "Hello,\n\nRevision \(round).\n"
                _ = try store.revise(draft: draft.id, to: revised, category: "refund", actor: "maria", detail: "edited")
                async let first = ServerSteps(mailbox: mailbox, store: store).run()
                async let second = ServerSteps(mailbox: mailbox, store: store).run()
                let reports = try await [first, second]
                #expect(reports.map(\.done).reduce(0, +) == 1, "one run did the step, the other found nothing left: \(reports)")
                #expect(try dovecot.count(mailbox: "Drafts") == 1, "round \(round)")
            }
        }
    }

    @Test func aFailingStepStaysPendingAndIsRecorded() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-steps")
            defer { directory.remove() }
            let configuration = try self.configuration(
                dovecot, directory, extra: "mode = \"drafts-folder\"\ndrafts_folder = \"No Such Folder\"")
            let store = try SQLiteStore(path: configuration.daemon.storePath)
            let worker = try self.worker(configuration, store)
            try dovecot.deliver(Array(try demoMail("02-refund.eml")))
            let pass = try await worker.pass(now: { Date() }, backfillSince: Date(timeIntervalSince1970: 0))
            #expect(pass.outcomes[.drafted] == 1)
            #expect(pass.steps.failed.count == 1, "\(pass)")
            let pending = try store.pendingSteps(mailbox: "support")
            #expect(pending.count == 1)
            #expect(pending.first?.attempts == 1)
            #expect(pending.first?.lastError?.contains("No Such Folder") == true, "\(pending)")
        }
    }
}

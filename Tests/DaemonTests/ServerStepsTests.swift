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

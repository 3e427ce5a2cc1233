import Configuration
import Foundation
import MailTransport
import TactTestSupport
import Testing

@testable import Daemon
@testable import Store

/// The worker's bookkeeping against a real Dovecot: resynchronising a rebuilt mailbox.
@Suite struct MailboxWorkerTests {
    func mail(_ index: Int, date: String) -> [UInt8] { SampleMail.customer(index, date: date, tag: "resync") }

    /// The daemon's worker for the configured mailbox, as `tact run` wires it, and its store.
    func worker(in directory: TemporaryDirectory, dovecot: Dovecot) throws -> (MailboxWorker, SQLiteStore) {
        let path = try writeTactConfiguration(
            in: directory.path, dovecot: dovecot, sink: nil, repository: repository.path, daemonSettings: "hourly_cap = 1000")
        let configuration = try TactConfiguration.load(explicitPath: path, environment: [:]).configuration
        let store = try SQLiteStore(path: configuration.daemon.storePath)
        let mailbox = try #require(configuration.mailboxes.first)
        let processor = try Pipeline.processor(
            for: mailbox, configuration: configuration, shared: try Pipeline.shared(configuration), store: store)
        let worker = MailboxWorker(
            configuration: mailbox, processor: processor,
            session: IMAPSession(endpoint: mailbox.endpoint, credentials: mailbox.credentials))
        return (worker, store)
    }

    @Test func anInterruptedResyncResumesWithTheDateRule() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-worker")
            defer { directory.remove() }
            let (worker, store) = try self.worker(in: directory, dovecot: dovecot)
            // Tact has watched this mailbox since 1 Dec; the mailbox was rebuilt with three old
            // mails Tact never saw, and one new one.
            let watchedSince = try #require(ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z"))
            for index in 1...3 { try dovecot.deliver(self.mail(index, date: "Mon, 02 Nov 2026 10:00:00 +0000")) }
            try dovecot.deliver(self.mail(4, date: "Wed, 02 Dec 2026 10:00:00 +0000"))
            let status = try await worker.session.select("INBOX")
            // A resync that was interrupted after its first message: the mark says UIDs up to 4
            // were there when the mailbox was read again from its start.
            try store.save(MailboxState(
                mailbox: "support", uidValidity: status.uidValidity, lastUID: 1, baselineAt: watchedSince,
                lastCheckAt: nil, lastError: "connection lost", resyncUntilUID: 4))
            let pass = try await worker.pass(now: { Date() })
            // UIDs 2 and 3 are old: skipped by their date, not acknowledged. UID 4 is dated after
            // Tact started watching: drafted.
            #expect(pass.outcomes == [.skipped: 2, .drafted: 1], "\(pass.outcomes)")
            #expect(try store.messages(withMessageID: "resync-2@mail.example").first?.message.reason?.contains("dated before") == true)
            let state = try #require(try store.mailboxState("support"))
            #expect(state.resyncUntilUID == 0, "the resync is over")
            #expect(state.lastUID == 4)
            #expect(state.lastError == nil)

            // A change of UIDVALIDITY sets the mark before anything is read. Tact has watched since
            // 2020, but keeps records for 30 days only: mail older than that (UID 1, from 2 Nov, was
            // never recorded here) is treated as old by its date, not answered as new.
            try store.save(MailboxState(
                mailbox: "support", uidValidity: status.uidValidity &+ 1, lastUID: 9,
                baselineAt: Date(timeIntervalSince1970: 1_577_836_800)))
            var forgetful = worker
            forgetful.retention = 30 * 86_400
            let now = try #require(ISO8601DateFormatter().date(from: "2026-12-02T12:00:00Z"))
            let resync = try await forgetful.pass(now: { now })
            #expect(resync.resynchronised)
            #expect(resync.outcomes == [.skipped: 1], "\(resync.outcomes)")
            #expect(try store.messages(withMessageID: "resync-1@mail.example").first?.message.reason?.contains("dated before") == true)
            #expect(try store.drafts(in: nil).count == 1)
        }
    }

    /// Batches are fetched ahead and recorded behind the preparing cores: with many small batches,
    /// every message is still recorded once, in UID order, and the mark ends at the last UID.
    @Test func aPassOfManyBatchesRecordsEveryMessageOnceInUIDOrder() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-worker")
            defer { directory.remove() }
            let (built, store) = try self.worker(in: directory, dovecot: dovecot)
            var worker = built
            worker.batchSize = 3
            for index in 1...11 {
                try dovecot.deliver(SampleMail.customer(index, date: "Wed, 02 Dec 2026 10:00:00 +0000", tag: "pipe"))
            }
            let since = try #require(ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z"))
            let pass = try await worker.pass(now: { Date() }, backfillSince: since)
            #expect(pass.processed == 11, "\(pass.outcomes)")
            var rows: [Int64] = []
            for index in 1...11 {
                let stored = try store.messages(withMessageID: "pipe-\(index)@mail.example")
                #expect(stored.count == 1, "message \(index) recorded \(stored.count) times")
                if let row = stored.first?.id { rows.append(row) }
            }
            #expect(rows == rows.sorted(), "recorded in UID order: \(rows)")
            #expect(try store.mailboxState("support")?.lastUID == 11)
            // Nothing new: a second pass records nothing and leaves the mark.
            let again = try await worker.pass(now: { Date() })
            #expect(again.processed == 0)
            #expect(try store.mailboxState("support")?.lastUID == 11)
        }
    }
}

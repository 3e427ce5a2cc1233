import Configuration
import Daemon
import Foundation
import MailTransport
import Store
import TactTestSupport

/// `passes [count] [every]`: the steady state of a polling service, in one process: `count`
/// passes (default 2,000) of `MailboxWorker.pass` over a mailbox of 1,000 handled mails, one new
/// customer mail delivered every `every` passes (default 10; drafted by the next pass). Reports
/// the anonymous memory (RssAnon) kept per pass; a polling service makes 2,880 passes a day.
var passesBenchmark: Benchmark {
    Benchmark(name: "passes", summary: "memory kept per mailbox pass of a polling service, a new mail every n passes [count] [every]") {
        arguments in
        let given = try Positional(arguments, usage: "passes [count] [every]", atMost: 2)
        let (count, every) = (try given.integer(0, "count", or: 2_000), try given.integer(1, "every", or: 10))
        let mail = try BenchMail(size: 1500)
        // Customer mail from senders not among the 1,000 already there (each is drafted).
        let customers = (1_000..<2_000_000).lazy.filter { BenchMail.kind($0) == .customer }.makeIterator()
        var next = customers
        try await withDovecot { dovecot in
            try dovecot.bulkLoad(count: 1_000) { mail.message($0) }
            let directory = try TemporaryDirectory(prefix: "tact-bench")
            defer { directory.remove() }
            let configuration = try writeBenchConfiguration(in: directory.path, dovecot: dovecot)
            let mailbox = configuration.mailboxes[0]
            let store = try SQLiteStore(path: configuration.daemon.storePath)
            let session = IMAPSession(endpoint: mailbox.endpoint, credentials: mailbox.credentials)
            let worker = MailboxWorker(
                configuration: mailbox,
                processor: try Pipeline.processor(
                    for: mailbox, configuration: configuration, shared: try Pipeline.shared(configuration), store: store),
                session: session)
            let appender = IMAPSession(endpoint: dovecot.endpoint(.plaintext), credentials: dovecot.credentials())
            _ = try await worker.pass(now: { Date() }, backfillSince: Date(timeIntervalSince1970: 1_793_491_200))
            var drafted = 0
            var processed = 0
            func run(_ passes: Int) async throws {
                for number in 0..<passes {
                    if number % every == 0, let index = next.next() {
                        _ = try await appender.append(to: "INBOX", message: mail.message(index))
                    }
                    let pass = try await worker.pass(now: { Date() })
                    drafted += pass.outcomes[.drafted] ?? 0
                    processed += pass.processed
                }
            }
            try await run(200)  // caches and the allocator's arenas settle first
            let before = ProcessProbe.statusMB("RssAnon")
            let clock = ContinuousClock()
            let started = clock.now
            try await run(count)
            let seconds = (clock.now - started).seconds
            let after = ProcessProbe.statusMB("RssAnon")
            await appender.close()
            await session.close()
            print("passes ×\(count) (a new mail every \(every), \(processed) processed, \(drafted) drafted): anonymous memory "
                + "\(format(before)) → \(format(after)) MB, \(format((after - before) * 1024 * 1024 / Double(count), 0)) B kept per pass; "
                + "\(format(seconds * 1000 / Double(count), 2)) ms a pass")
        }
    }
}

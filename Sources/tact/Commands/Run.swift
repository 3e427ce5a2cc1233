import ArgumentParser
import Configuration
import Daemon
import Foundation
import MailTransport
import Store

/// `tact run`: turn new customer mail into queued drafts.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every mailbox and turn new customer mail into queued drafts.",
        discussion: """
            On the very first run Tact remembers where each mailbox stands and answers nothing older; \
            --backfill DATE answers mail from that date on instead. Every message is processed exactly once \
            (keyed by mailbox, UIDVALIDITY and UID), never marked \\Seen. Without --once it runs until \
            SIGTERM: it waits for mail with IDLE (or polls), sends approved replies, reloads its configuration, \
            templates and rule pack on SIGHUP (keeping the old ones if the new ones are invalid), and speaks \
            systemd's notify protocol (READY, STATUS, WATCHDOG, RELOADING, STOPPING). Logs go to stderr, one \
            event per line. --once makes one pass over every mailbox, sends what is approved, and exits, for \
            timers and cron. One `tact run` at a time per state folder.
            """)

    @Option(name: .customLong("config"), help: "The configuration file (default: $TACT_CONFIG, /etc/tact/tact.toml, ./config/tact.toml).")
    var configFile: String?
    @Flag(help: "One pass over every mailbox, then exit.") var once = false
    @Option(help: "On the first pass, also answer mail dated from this day (YYYY-MM-DD) on.") var backfill: String?
    @Flag(help: "With --once: log each message to stderr, as the service does.") var verbose = false

    func run() async throws {
        var backfillSince: Date?
        if let text = self.backfill {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            guard let date = formatter.date(from: text) else {
                throw CLIError("--backfill \(text) is not a date: write it as YYYY-MM-DD")
            }
            backfillSince = date
        }
        guard self.once else {
            let file = self.configFile
            let service = Service(load: { try loadConfiguration(file) }, backfillSince: backfillSince)
            do {
                try await service.run()
            } catch let error as StartupError {
                throw CLIError(error.description)
            }
            return
        }
        let configuration = try loadConfiguration(self.configFile)
        let shared: Pipeline.Shared
        let store: SQLiteStore
        let lock: ServiceLock
        do {
            shared = try Pipeline.shared(configuration)
            store = try SQLiteStore(path: configuration.daemon.storePath)
            lock = try ServiceLock(stateDirectory: configuration.daemon.stateDirectory)
        } catch {
            throw CLIError("\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        var failures = 0
        for mailbox in configuration.mailboxes {
            let session = IMAPSession(endpoint: mailbox.endpoint, credentials: mailbox.credentials)
            var processor = try Pipeline.processor(for: mailbox, configuration: configuration, shared: shared, store: store)
            processor.log = self.verbose ? .standardError : nil
            var worker = MailboxWorker(configuration: mailbox, processor: processor, session: session)
            worker.retention = TimeInterval(configuration.daemon.retentionDays) * 86_400
            do {
                let pass = try await worker.pass(now: { Date() }, backfillSince: backfillSince)
                let outcomes = pass.outcomes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
                let summary = pass.baselined
                    ? "first run: remembered where the mailbox stands (\(pass.messageCount) messages); only new mail will be answered"
                    : (outcomes.isEmpty ? "nothing new" : outcomes.joined(separator: ", "))
                print("\(mailbox.name): \(summary)\(pass.resynchronised ? " (UIDVALIDITY changed: read again)" : "")")
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("tact: mailbox=\(mailbox.name) error=\"\(error)\"\n".utf8))
            }
            await session.close()
        }
        // Then what people have approved goes out (at most once; see Outbox).
        do {
            for result in try await Outbox(store: store, configuration: configuration).sendApproved() {
                switch result {
                case .sent(let id, let reply): print("draft \(id): sent (\(reply))")
                case .superseded(let id, let reason): print("draft \(id): not sent, superseded: \(reason)")
                case .retryLater(let id, let reason): print("draft \(id): not sent yet, will retry: \(reason)")
                case .failed(let id, let reason): print("draft \(id): FAILED: \(reason)")
                case .outcomeUnknown(let id, let reason):
                    print("draft \(id): OUTCOME UNKNOWN (not resent by itself; see `tact queue retry`): \(reason)")
                case .skipped(let id, let reason): print("draft \(id): not sent: \(reason)")
                case .requeued(let id, let reason): print("draft \(id): not sent, back in the queue: \(reason)")
                }
            }
        } catch {
            failures += 1
            FileHandle.standardError.write(Data("tact: outbox error=\"\(error)\"\n".utf8))
        }
        // Copies in Drafts folders of drafts edited, rejected or sent since their mailbox's pass.
        for update in await ServerSteps.updateDraftCopies(configuration: configuration, store: store) {
            if let error = update.error {
                failures += 1
                FileHandle.standardError.write(Data("tact: mailbox=\(update.mailbox) server-steps error=\"\(error)\"\n".utf8))
            }
            for failure in update.report?.failed ?? [] {
                FileHandle.standardError.write(Data("tact: mailbox=\(update.mailbox) server-step-failed error=\"\(failure)\"\n".utf8))
            }
        }
        // Retention: old, finished mail and drafts leave the store (`[daemon] retention_days`).
        do {
            let purged = try Retention.purge(store, days: configuration.daemon.retentionDays, now: Date())
            if purged.messages > 0 {
                print("retention: deleted \(purged.messages) message(s), \(purged.drafts) draft(s) older than \(configuration.daemon.retentionDays) days")
            }
        } catch {
            failures += 1
            FileHandle.standardError.write(Data("tact: retention error=\"\(error)\"\n".utf8))
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

import Configuration
import Dispatch
import Foundation
import MailTransport
import Store

#if canImport(Glibc)
import Glibc
#endif

/// The long-running `tact run`: one loop per mailbox (IDLE where offered, else polling), the
/// outbox, signals, and the systemd notifications, in one process.
///
/// Lifecycle, as systemd sees it (`Type=notify`):
/// - `READY=1` once the configuration is loaded, every file it names is valid and the store is open;
/// - `STATUS=` whenever a mailbox changes state (watching, failing and retrying, paused);
/// - `WATCHDOG=1` every half `WatchdogSec`, while the service's tasks are being scheduled;
/// - SIGHUP: `RELOADING=1`, then the configuration, templates and rule pack are read again. If
///   anything is invalid the old ones stay in force and the reason is logged; either way `READY=1`
///   follows. Mailbox loops are restarted on the new configuration;
/// - SIGTERM or SIGINT: `STOPPING=1`; each loop finishes the batch in hand (one commit) and the process exits 0;
/// - SIGUSR1 (sent by `tact queue approve`): look at the outbox now.
public final class Service: @unchecked Sendable {
    public typealias Loader = @Sendable () throws -> TactConfiguration

    private let load: Loader
    private let notifier: SystemdNotifier
    private let log: EventLog
    private let backfillSince: Date?
    /// How long an IDLE lasts before a pass runs anyway (a safety net for missed notifications).
    public var idleRecheck: Duration = .seconds(300)
    /// How often the outbox looks for approved replies when nobody wakes it.
    public var outboxInterval: Duration = .seconds(30)
    /// How often the service looks whether to give back the pages of code it is not using and
    /// the heap's free memory (`IdleMemory`): the first time, `memoryReleaseInterval / 6` after
    /// start, it does; later only when work brought pages back (`IdleMemory.ReleasePolicy`).
    public var memoryReleaseInterval: Duration = .seconds(60)

    // Touched only from `run()`'s task.
    private var configuration: TactConfiguration?
    private var store: SQLiteStore?
    private let board = StatusBoard()

    public init(load: @escaping Loader, notifier: SystemdNotifier = SystemdNotifier(), log: EventLog = .standardError,
                backfillSince: Date? = nil) {
        self.load = load
        self.notifier = notifier
        self.log = log
        self.backfillSince = backfillSince
    }

    /// One generation of the service's work: everything built from one configuration.
    private struct Generation: Sendable {
        let configuration: TactConfiguration
        let workers: [(MailboxConfiguration, MessageProcessor)]
    }

    private func build(_ configuration: TactConfiguration, shared: Pipeline.Shared, store: SQLiteStore) throws -> Generation {
        var workers: [(MailboxConfiguration, MessageProcessor)] = []
        for mailbox in configuration.mailboxes {
            var processor = try Pipeline.processor(for: mailbox, configuration: configuration, shared: shared, store: store)
            processor.log = self.log
            workers.append((mailbox, processor))
        }
        return Generation(configuration: configuration, workers: workers)
    }

    /// Runs until SIGTERM or SIGINT. Throws `StartupError` (before READY) when the configuration,
    /// its files or the store are unusable, or another `tact run` holds the state folder.
    public func run() async throws {
        // Before any work: the libraries mapped now are those `IdleMemory` may trim later.
        IdleMemory.noteStartupFiles()
        let signals = SignalStream([SIGHUP, SIGTERM, SIGINT, SIGUSR1])
        let configuration: TactConfiguration
        do { configuration = try self.load() } catch { throw StartupError("\(error)") }
        // Every file the configuration names is read and checked before anything is created.
        let shared = try Pipeline.shared(configuration)
        let store: SQLiteStore
        do { store = try SQLiteStore(path: configuration.daemon.storePath) } catch { throw StartupError("\(error)") }
        let lock = try ServiceLock(stateDirectory: configuration.daemon.stateDirectory)
        var generation = try self.build(configuration, shared: shared, store: store)
        self.log.log(.info, "started", ["mailboxes": "\(configuration.mailboxes.count)", "config": configuration.source, "pid": "\(getpid())"])
        let outboxWake = Waker()
        var tasks = self.start(generation, store: store, backfill: self.backfillSince, outboxWake: outboxWake)
        self.notifier.ready(status: "started; \(configuration.mailboxes.count) mailbox(es)")
        let watchdog = self.notifier.watchdogInterval.map { interval in
            Task { [notifier] in
                while !Task.isCancelled {
                    notifier.watchdog()
                    try? await Task.sleep(for: interval)
                }
            }
        }
        // An idle service holds what it uses: what start-up and a backlog touched goes back.
        let memoryRelease = Task { [memoryReleaseInterval, log] in
            try? await Task.sleep(for: memoryReleaseInterval / 6)
            // The data pages only after start-up (see `IdleMemory.release`); the code and the
            // libraries whenever work brought pages back (`IdleMemory.ReleasePolicy`).
            // The first release is logged (once per start, not every time).
            var policy = IdleMemory.ReleasePolicy()
            let released = IdleMemory.release(data: true)
            log.log(.info, "memory-released", [
                "kb": "\(released)", "check": "\(memoryReleaseInterval.components.seconds) s",
                "after-growth": "\(policy.growthKB) kB",
            ])
            while !Task.isCancelled {
                try? await Task.sleep(for: memoryReleaseInterval)
                if Task.isCancelled { break }
                guard policy.due(residentKB: IdleMemory.residentKB()) else { continue }
                IdleMemory.release(data: false)
                policy.released()
            }
        }
        let statusTask = Task { [board, notifier] in
            for await text in board.changes { notifier.status(text) }
        }
        for await signal in signals.stream {
            switch signal {
            case SIGHUP:
                self.notifier.reloading()
                self.log.log(.info, "reloading", ["config": generation.configuration.source])
                do {
                    let next = try self.load()
                    if next.daemon.stateDirectory != generation.configuration.daemon.stateDirectory {
                        self.log.log(.warning, "reload-partial", ["reason": "state_dir changes need a restart: still using \(generation.configuration.daemon.stateDirectory)"])
                    }
                    let built = try self.build(next, shared: try Pipeline.shared(next), store: store)
                    await Self.stop(tasks)
                    await self.board.reset()
                    generation = built
                    tasks = self.start(generation, store: store, backfill: nil, outboxWake: outboxWake)
                    self.log.log(.info, "reloaded", ["mailboxes": "\(next.mailboxes.count)"])
                    self.notifier.ready(status: "reloaded; \(next.mailboxes.count) mailbox(es)")
                } catch {
                    self.log.log(.error, "reload-failed", ["error": "\(error)", "action": "still running on the previous configuration"])
                    self.notifier.ready(status: "reload failed, still running on the previous configuration: \(error)")
                }
            case SIGUSR1:
                outboxWake.wake()
            default:
                self.notifier.stopping()
                self.log.log(.info, "stopping", ["signal": signal == SIGTERM ? "TERM" : "INT"])
                await Self.stop(tasks)
                watchdog?.cancel()
                memoryRelease.cancel()
                statusTask.cancel()
                withExtendedLifetime(lock) {}
                self.log.log(.info, "stopped")
                return
            }
        }
    }

    private static func stop(_ tasks: [Task<Void, Never>]) async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    private func start(_ generation: Generation, store: SQLiteStore, backfill: Date?, outboxWake: Waker)
        -> [Task<Void, Never>]
    {
        var tasks: [Task<Void, Never>] = []
        for (mailbox, processor) in generation.workers {
            let loop = MailboxLoop(
                mailbox: mailbox, processor: processor, log: self.log, board: self.board,
                useIdle: generation.configuration.daemon.useIdle,
                pollInterval: .seconds(generation.configuration.daemon.pollIntervalSeconds), idleRecheck: self.idleRecheck,
                retention: TimeInterval(generation.configuration.daemon.retentionDays) * 86_400)
            tasks.append(Task { await loop.run(backfillSince: backfill) })
        }
        // Retention: old, finished records leave the store at start and then once a day.
        let retentionDays = generation.configuration.daemon.retentionDays
        let retentionLog = self.log
        tasks.append(Task {
            while !Task.isCancelled {
                do {
                    // Off the cooperative pool: a purge of many rows takes a while.
                    let purged = try await offPool { Result { try Retention.purge(store, days: retentionDays, now: Date()) } }.get()
                    if purged.messages > 0 {
                        retentionLog.log(
                            .info, "retention-purge",
                            ["messages": "\(purged.messages)", "drafts": "\(purged.drafts)", "days": "\(retentionDays)"])
                    }
                } catch {
                    retentionLog.log(.error, "retention-failed", ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(86_400))
            }
        })
        let outbox = Outbox(store: store, configuration: generation.configuration)
        let configuration = generation.configuration
        let interval = self.outboxInterval
        let log = self.log
        tasks.append(Task {
            var lastError: String?
            while !Task.isCancelled {
                do {
                    let results = try await outbox.sendApproved()
                    for result in results { Self.logOutbox(result, log) }
                    lastError = nil
                    // Drafts copies of drafts that were edited, rejected or sent since.
                    for update in await ServerSteps.updateDraftCopies(configuration: configuration, store: store) {
                        if let error = update.error {
                            log.log(.warning, "server-steps-postponed", ["mailbox": update.mailbox, "error": error])
                        }
                        for failure in update.report?.failed ?? [] {
                            log.log(.warning, "server-step-failed", ["mailbox": update.mailbox, "error": failure])
                        }
                    }
                } catch {
                    if lastError != "\(error)" { log.log(.error, "outbox-failed", ["error": "\(error)"]) }
                    lastError = "\(error)"
                }
                // Until woken by an approval (SIGUSR1), or an approved reply shows up in the store
                // (a reviewer running as another user cannot signal the service: it is found
                // within 2 s by an indexed look), or the interval passes (post-send retries).
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await Task.sleep(for: interval) }
                    group.addTask { await outboxWake.next() }
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .seconds(2))
                            if (try? store.hasApprovedDrafts()) == true { return }
                        }
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
        })
        return tasks
    }

    static func logOutbox(_ result: Outbox.Result, _ log: EventLog) {
        switch result {
        case .sent(let id, let reply): log.log(.info, "reply-sent", ["draft": "\(id)", "server": reply])
        case .superseded(let id, let reason): log.log(.info, "reply-superseded", ["draft": "\(id)", "reason": reason])
        case .retryLater(let id, let reason): log.log(.warning, "reply-retry", ["draft": "\(id)", "reason": reason])
        case .failed(let id, let reason): log.log(.error, "reply-failed", ["draft": "\(id)", "reason": reason])
        case .outcomeUnknown(let id, let reason): log.log(.error, "reply-outcome-unknown", ["draft": "\(id)", "reason": reason])
        case .skipped(let id, let reason): log.log(.warning, "reply-skipped", ["draft": "\(id)", "reason": reason])
        case .requeued(let id, let reason): log.log(.warning, "reply-requeued", ["draft": "\(id)", "reason": reason])
        }
    }
}

/// The loop of one mailbox: pass, then wait for new mail (IDLE or the poll interval), again and
/// again; on failure, retry with exponential backoff and jitter, logging each failure once per
/// change of state, not once per retry.
struct MailboxLoop: Sendable {
    let mailbox: MailboxConfiguration
    let processor: MessageProcessor
    let log: EventLog
    let board: StatusBoard
    let useIdle: Bool
    let pollInterval: Duration
    let idleRecheck: Duration
    let retention: TimeInterval

    func run(backfillSince: Date?) async {
        let session = IMAPSession(
            endpoint: self.mailbox.endpoint, credentials: self.mailbox.credentials, pollInterval: self.pollInterval)
        var worker = MailboxWorker(configuration: self.mailbox, processor: self.processor, session: session)
        worker.retention = self.retention
        var backoff = Backoff()
        var failing: String?
        var backfill = backfillSince
        let name = self.mailbox.name
        while !Task.isCancelled {
            do {
                let pass = try await worker.pass(now: { Date() }, backfillSince: backfill)
                backfill = nil
                if failing != nil {
                    self.log.log(.info, "mailbox-recovered", ["mailbox": name])
                    failing = nil
                }
                backoff.reset()
                if pass.processed > 0 || pass.baselined || pass.resynchronised {
                    let outcomes = pass.outcomes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
                    self.log.log(
                        .info, "pass",
                        ["mailbox": name, "processed": "\(pass.processed)", "outcomes": outcomes.joined(separator: ", "),
                         "baselined": pass.baselined ? "yes" : nil, "resynchronised": pass.resynchronised ? "yes" : nil])
                }
                if let error = pass.stepsError { self.log.log(.warning, "server-steps-postponed", ["mailbox": name, "error": error]) }
                for failure in pass.steps.failed { self.log.log(.warning, "server-step-failed", ["mailbox": name, "error": failure]) }
                let paused = (try? self.processor.store.pause(holding: name)) != nil
                if self.useIdle {
                    let idle = try await session.capabilities().contains("IDLE")
                    await self.board.set(name, "\(paused ? "paused, " : "")watching (\(idle ? "IDLE" : "polling every \(self.pollInterval.components.seconds) s"))")
                    _ = try await session.waitForNewMail(timeout: self.idleRecheck)
                } else {
                    await self.board.set(name, "\(paused ? "paused, " : "")polling every \(self.pollInterval.components.seconds) s")
                    try await Task.sleep(for: self.pollInterval)
                }
            } catch {
                if Task.isCancelled || error is CancellationError { break }
                let text = "\(error)"
                let delay = backoff.next()
                if failing != text {
                    self.log.log(.error, "mailbox-failed", ["mailbox": name, "error": text, "retry": "with backoff, next in \(delay.components.seconds) s"])
                    failing = text
                }
                await self.board.set(name, "failing, retrying: \(text)")
                try? await Task.sleep(for: delay)
            }
        }
        await session.close()
    }
}

/// Exponential backoff with jitter: 1 s, 2 s, 4 s … up to 5 minutes, each delay drawn between
/// half and all of its step, so many daemons (or mailboxes) that failed together do not retry
/// together.
struct Backoff: Sendable {
    var attempt = 0
    var base: Double = 1
    var cap: Double = 300

    mutating func next() -> Duration {
        let step = min(self.cap, self.base * pow(2, Double(self.attempt)))
        self.attempt = min(self.attempt + 1, 30)
        return .milliseconds(Int64(Double.random(in: step / 2...step) * 1000))
    }

    mutating func reset() { self.attempt = 0 }
}

/// Per-mailbox state for systemd's STATUS= line; publishes a new line only when it changes.
actor StatusBoard {
    private var states: [String: String] = [:]
    private var last = ""
    nonisolated let changes: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init() {
        (self.changes, self.continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Forgets every mailbox (a reload: mailboxes may have been removed or renamed).
    func reset() { self.states = [:] }

    func set(_ mailbox: String, _ state: String) {
        self.states[mailbox] = state
        let line = self.states.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        guard line != self.last else { return }
        self.last = line
        self.continuation.yield(line)
    }
}

/// Signals as an async sequence. The signals are ignored for default handling first, so that
/// SIGTERM does not kill the process before the loops finish the batch in hand.
final class SignalStream: @unchecked Sendable {
    let stream: AsyncStream<Int32>
    private let sources: [DispatchSourceSignal]

    init(_ numbers: [Int32]) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let queue = DispatchQueue(label: "tact.signals")
        var sources: [DispatchSourceSignal] = []
        for number in numbers {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        self.stream = stream
        self.sources = sources
    }
}

import Configuration
import Daemon
import Foundation
import MailTransport
import Store
import TactTestSupport

/// `backlog [count] [sizes…] [webmail]`: `count` (default 10,000) varied customer mails already in the
/// mailbox, processed to queued drafts through the daemon's own path (`MailboxWorker.pass` with a
/// backfill date, `Pipeline.processor`, `SQLiteStore` in a temporary directory, as `tact run
/// --once --backfill` wires them), against fetching the same messages without processing, in the
/// same run. Sizes default to 1500 and 4000 bytes. Memory is reported too (`memory` prints only
/// the memory figures of the same run).
var backlogBenchmark: Benchmark {
    Benchmark(name: "backlog", summary: "end-to-end backlog msgs/s vs fetch-only, and memory [count] [bytes…]") { arguments in
        let (count, sizes, webmail) = try backlogArguments(arguments)
        for size in sizes { _ = try await runBacklog(count: count, size: size, webmail: webmail, verbose: true) }
    }
}

var memoryBenchmark: Benchmark {
    Benchmark(name: "memory", summary: "RSS: peak during the backlog, after 1,000 vs 10,000 messages, idle after [count] [bytes…]") {
        arguments in
        let (count, sizes, webmail) = try backlogArguments(arguments.isEmpty ? ["10000", "1500"] : arguments)
        for size in sizes {
            let figures = try await runBacklog(count: count, size: size, webmail: webmail, verbose: false)
            print("memory (\(size) B mails): " + figures.memoryLine)
        }
    }
}

/// `[count] [sizes…] [webmail]`: "webmail" anywhere makes customer mail multipart/alternative.
private func backlogArguments(_ arguments: [String]) throws -> (Int, [Int], Bool) {
    let (numbers, webmail) = try mailArguments(arguments, usage: "[count] [bytes…] [webmail]")
    let count = numbers.first ?? 10_000
    let sizes = Array(numbers.dropFirst())
    return (count, sizes.isEmpty ? [1500, 4000] : sizes, webmail)
}

struct BacklogFigures {
    var messages = 0
    var processSeconds = 0.0
    var processCPU = 0.0
    var fetchSeconds: [Double] = []
    var rssBefore = 0.0
    var rssAt: [Int: Double] = [:]
    var peak = 0.0
    var idle = 0.0
    var idleAnonymous = 0.0

    var memoryLine: String {
        let first = self.rssAt[1000].map { format($0) } ?? "?"
        let last = self.rssAt.keys.max().flatMap { self.rssAt[$0] }.map { format($0) } ?? "?"
        return "RSS before \(format(self.rssBefore)) MB, after 1,000 messages \(first) MB, after "
            + "\(self.rssAt.keys.max() ?? 0) \(last) MB, peak during the backlog \(format(self.peak)) MB, "
            + "idle 3 s after it \(format(self.idle)) MB (anonymous \(format(self.idleAnonymous)) MB)"
    }
}

/// One backlog run: load, fetch only, process, fetch only again.
func runBacklog(count: Int, size: Int, webmail: Bool = false, verbose: Bool) async throws -> BacklogFigures {
    let mail = try BenchMail(size: size, webmail: webmail)
    var figures = BacklogFigures()
    try await withDovecot { dovecot in
        var bytes = 0
        try dovecot.bulkLoad(count: count) { i in
            let message = mail.message(i)
            bytes += message.count
            return message
        }
        let directory = try TemporaryDirectory(prefix: "tact-bench")
        defer { directory.remove() }
        let configuration = try writeBenchConfiguration(in: directory.path, dovecot: dovecot)
        let mailbox = configuration.mailboxes[0]
        let clock = ContinuousClock()

        // Fetch only, as the worker does it (batches of 200 UIDs), keeping nothing.
        func fetchOnly() async throws -> Double {
            let session = IMAPSession(endpoint: mailbox.endpoint, credentials: mailbox.credentials)
            defer { Task { await session.close() } }
            _ = try await session.select(mailbox.folder, readOnly: true)
            let uids = try await session.uids(above: 0).sorted()
            let started = clock.now
            var fetched = 0
            for start in stride(from: 0, to: uids.count, by: 200) {
                let result = try await session.fetch(
                    uids: Array(uids[start..<min(start + 200, uids.count)]), maxSize: mailbox.maxMessageBytes)
                fetched += result.messages.count
            }
            let seconds = (clock.now - started).seconds
            guard fetched == count else { throw BenchError("fetched \(fetched) of \(count) messages") }
            return seconds
        }
        // Dovecot indexes the new maildir files at the first SELECT: not part of either figure.
        let warm = IMAPSession(endpoint: mailbox.endpoint, credentials: mailbox.credentials)
        _ = try await warm.select(mailbox.folder, readOnly: true)
        await warm.close()

        figures.fetchSeconds.append(try await fetchOnly())

        let shared = try Pipeline.shared(configuration)
        let store = try SQLiteStore(path: configuration.daemon.storePath)
        let probe = RSSProbeStore(store)
        let session = IMAPSession(endpoint: mailbox.endpoint, credentials: mailbox.credentials)
        let worker = MailboxWorker(
            configuration: mailbox,
            processor: try Pipeline.processor(for: mailbox, configuration: configuration, shared: shared, store: probe),
            session: session)
        figures.rssBefore = ProcessProbe.rssMB()
        ProcessProbe.resetPeakRSS()
        let backfill = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01, before every benchmark mail
        let cpuStart = ProcessProbe.cpuSeconds()
        ProfileWindow.begin()
        let started = clock.now
        let pass = try await worker.pass(now: { Date() }, backfillSince: backfill)
        figures.processSeconds = (clock.now - started).seconds
        ProfileWindow.end()
        figures.processCPU = ProcessProbe.cpuSeconds() - cpuStart
        figures.peak = ProcessProbe.peakRSSMB()
        figures.rssAt = probe.samples
        await session.close()
        figures.messages = pass.outcomes.values.reduce(0, +)
        guard figures.messages == count else {
            throw BenchError("the pass recorded \(figures.messages) of \(count) messages: \(pass.outcomes)")
        }
        let queued = try store.draftCounts()[.queued] ?? 0

        figures.fetchSeconds.append(try await fetchOnly())
        try await Task.sleep(for: .seconds(3))
        figures.idle = ProcessProbe.rssMB()
        figures.idleAnonymous = ProcessProbe.statusMB("RssAnon")

        guard verbose else { return }
        let fetchMean = figures.fetchSeconds.reduce(0, +) / Double(figures.fetchSeconds.count)
        let endToEnd = Double(count) / figures.processSeconds
        let fetchRate = Double(count) / fetchMean
        let outcomes = pass.outcomes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue)" }
        print("backlog \(count) mails of ~\(size) B (mean \(bytes / count) B, \((0..<count).filter(BenchMail.hasAttachment).count) with attachments\(webmail ? ", customer mail multipart/alternative" : "")):")
        print("  outcomes: \(outcomes.joined(separator: ", ")); \(queued) drafts queued")
        print("  end to end:  \(format(figures.processSeconds, 2)) s = \(Int(endToEnd)) messages/s "
            + "(CPU \(format(figures.processCPU, 2)) s = \(format(figures.processCPU / figures.processSeconds, 2)) cores, "
            + "\(Int(Double(count) / figures.processCPU)) messages per CPU-second)")
        print("  fetch only:  \(figures.fetchSeconds.map { format($0, 3) }.joined(separator: " s, ")) s "
            + "(before, after) = \(Int(fetchRate)) messages/s")
        print("  ratio end-to-end / fetch-only: \(format(endToEnd / fetchRate, 3)) "
            + "(fetch-only is \(format(fetchRate / endToEnd, 1))x faster)")
        print("  memory: " + figures.memoryLine)
    }
    return figures
}

/// The real store, with the process's RSS read after every 1,000th recorded message. Every call
/// is passed on unchanged.
final class RSSProbeStore: MessageStore, @unchecked Sendable {
    let base: SQLiteStore
    private let lock = NSLock()
    private var recorded = 0
    private var _samples: [Int: Double] = [:]
    var samples: [Int: Double] { self.lock.withLock { self._samples } }

    init(_ base: SQLiteStore) { self.base = base }

    func record(_ message: IncomingMessage, draft: NewDraft?, steps: [ServerStepKind], actor: String) throws -> RecordResult {
        let result = try self.base.record(message, draft: draft, steps: steps, actor: actor)
        self.lock.withLock {
            self.recorded += 1
            if self.recorded % 1000 == 0 { self._samples[self.recorded] = ProcessProbe.rssMB() }
        }
        return result
    }
    func isRecorded(mailbox: String, uidValidity: UInt32, uid: UInt32) throws -> Bool {
        try self.base.isRecorded(mailbox: mailbox, uidValidity: uidValidity, uid: uid)
    }
    func transition(
        draft id: Int64, from expected: DraftState, to next: DraftState, actor: String, reason: String?, revision: DraftRevision?
    ) throws -> StoredDraft {
        try self.base.transition(draft: id, from: expected, to: next, actor: actor, reason: reason, revision: revision)
    }
    func draft(id: Int64) throws -> StoredDraft? { try self.base.draft(id: id) }
    func drafts(in state: DraftState?) throws -> [StoredDraft] { try self.base.drafts(in: state) }
    func message(rowID: Int64) throws -> StoredMessage? { try self.base.message(rowID: rowID) }
    func messages(withMessageID messageID: String) throws -> [StoredMessage] { try self.base.messages(withMessageID: messageID) }
    func auditTrail(messageRowID: Int64) throws -> [AuditEntry] { try self.base.auditTrail(messageRowID: messageRowID) }
    func threadRoot(referencing messageIDs: [String]) throws -> StoredMessage? { try self.base.threadRoot(referencing: messageIDs) }
    func laterMessages(inThreadOf messageRowID: Int64, after date: Date) throws -> [StoredMessage] {
        try self.base.laterMessages(inThreadOf: messageRowID, after: date)
    }
    func lastAcknowledgement(of sender: String) throws -> Date? { try self.base.lastAcknowledgement(of: sender) }
    func acknowledgementCount(mailbox: String, since date: Date) throws -> Int {
        try self.base.acknowledgementCount(mailbox: mailbox, since: date)
    }
    func revise(draft id: Int64, to draft: NewDraft, category: String, actor: String, detail: String) throws -> StoredDraft {
        try self.base.revise(draft: id, to: draft, category: category, actor: actor, detail: detail)
    }
    func mailboxState(_ mailbox: String) throws -> MailboxState? { try self.base.mailboxState(mailbox) }
    func save(_ state: MailboxState) throws { try self.base.save(state) }
    func draftCounts() throws -> [DraftState: Int] { try self.base.draftCounts() }
    func batch<T>(_ body: () throws -> T) throws -> T { try self.base.batch(body) }
    func outcomeCounts(mailbox: String) throws -> [MessageOutcome: Int] { try self.base.outcomeCounts(mailbox: mailbox) }
    func markSent(draft id: Int64, reply: String, copy: Data, steps: [PostSendStepKind], actor: String) throws -> StoredDraft {
        try self.base.markSent(draft: id, reply: reply, copy: copy, steps: steps, actor: actor)
    }
    func pendingPostSendSteps() throws -> [PostSendStep] { try self.base.pendingPostSendSteps() }
    func claimPostSendStep(draft id: Int64, kind: PostSendStepKind, for seconds: TimeInterval, now: Date) throws -> Bool {
        try self.base.claimPostSendStep(draft: id, kind: kind, for: seconds, now: now)
    }
    func finishPostSendStep(draft id: Int64, kind: PostSendStepKind, error: String?, detail: String?, actor: String) throws {
        try self.base.finishPostSendStep(draft: id, kind: kind, error: error, detail: detail, actor: actor)
    }
    func drafts(withReplyMessageID messageIDs: [String]) throws -> [StoredDraft] { try self.base.drafts(withReplyMessageID: messageIDs) }
    func recordBounce(_ message: IncomingMessage, draft id: Int64, address: String, status: String?, actor: String) throws
        -> RecordResult
    {
        try self.base.recordBounce(message, draft: id, address: address, status: status, actor: actor)
    }
    func bouncedAddress(_ address: String) throws -> BouncedAddress? { try self.base.bouncedAddress(address) }
    func pendingSteps(mailbox: String) throws -> [ServerStep] { try self.base.pendingSteps(mailbox: mailbox) }
    func finishStep(_ id: Int64, error: String?) throws { try self.base.finishStep(id, error: error) }
    func pause(mailbox: String?, actor: String, reason: String?) throws { try self.base.pause(mailbox: mailbox, actor: actor, reason: reason) }
    func resume(mailbox: String?, actor: String) throws -> Bool { try self.base.resume(mailbox: mailbox, actor: actor) }
    func pauses() throws -> [Pause] { try self.base.pauses() }
    func purge(recordedBefore cutoff: Date) throws -> PurgeReport { try self.base.purge(recordedBefore: cutoff) }
    func forget(address: String) throws -> ForgetReport { try self.base.forget(address: address) }
}

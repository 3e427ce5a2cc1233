import Configuration
import Foundation
import MailTransport
import Store

/// What one pass over a mailbox did.
public struct MailboxPass: Sendable, Equatable {
    public var mailbox: String
    public var uidValidity: UInt32
    public var messageCount: Int
    /// Outcomes of the messages processed in this pass.
    public var outcomes: [MessageOutcome: Int] = [:]
    /// True on the very first pass without backfill: Tact remembered where the mailbox stood and
    /// answered nothing older.
    public var baselined = false
    /// True when UIDVALIDITY changed since the last pass and the mailbox was read again.
    public var resynchronised = false
    /// Server steps (keywords, APPENDs to Drafts) done after the pass, and those that failed.
    public var steps = ServerSteps.Report()
    /// Why the server steps could not run at all this time (they stay pending).
    public var stepsError: String?

    public var processed: Int { self.outcomes.values.reduce(0, +) }
}

/// The daemon's work on one mailbox: remember where the mailbox stood on the very first start,
/// then on every pass fetch the UIDs above the high-water mark (never setting \Seen), process
/// each message exactly once, and move the mark forward batch by batch.
///
/// A cancelled task (SIGTERM, a reload) stops between two batches: the batch in hand (prepared in
/// parallel, recorded in one commit) is finished, never cut off halfway.
public struct MailboxWorker: Sendable {
    public let configuration: MailboxConfiguration
    public let processor: MessageProcessor
    public let session: IMAPSession
    public var batchSize = 200
    /// How long the store remembers handled mail (`retention_days`). When a rebuilt mailbox is
    /// read again, mail older than that is no longer known by its Message-ID, so it is treated as
    /// old by its date instead of being answered again.
    public var retention: TimeInterval?
    private var log: EventLog? { self.processor.log }

    public init(configuration: MailboxConfiguration, processor: MessageProcessor, session: IMAPSession) {
        self.configuration = configuration
        self.processor = processor
        self.session = session
    }

    private var store: any MessageStore { self.processor.store }

    /// One pass. Failures are recorded in the mailbox's state (for `tact status`) and rethrown.
    /// - Parameter backfillSince: on the first pass, acknowledge mail dated from here on instead
    ///   of only mail that arrives later.
    public func pass(now: @Sendable () -> Date, backfillSince: Date? = nil) async throws -> MailboxPass {
        do {
            var pass = try await self.passUnrecorded(now: now, backfillSince: backfillSince)
            do {
                pass.steps = try await ServerSteps(mailbox: self.configuration, store: self.store).run(now: now())
            } catch {
                pass.stepsError = "\(error)"
            }
            return pass
        } catch {
            if !(error is CancellationError) {
                var state = try self.store.mailboxState(self.configuration.name)
                    ?? MailboxState(mailbox: self.configuration.name, uidValidity: 0, lastUID: 0, baselineAt: now())
                state.lastError = "\(error)"
                try? self.store.save(state)
            }
            throw error
        }
    }

    private func passUnrecorded(now: @Sendable () -> Date, backfillSince: Date?) async throws -> MailboxPass {
        let status = try await self.session.select(self.configuration.folder, readOnly: true)
        var pass = MailboxPass(mailbox: self.configuration.name, uidValidity: status.uidValidity, messageCount: status.messageCount)
        let highest = status.uidNext > 0 ? status.uidNext - 1 : 0
        var state: MailboxState
        if let known = try self.store.mailboxState(self.configuration.name), known.uidValidity != 0 {
            state = known
            if state.uidValidity != status.uidValidity {
                // The mailbox was rebuilt: its UIDs mean nothing now. Read it again from the start;
                // mail handled before is recognised by its Message-ID, older mail by its date. The
                // resync mark is saved first, so an interrupted resync resumes with the same rules.
                state.uidValidity = status.uidValidity
                state.lastUID = 0
                state.resyncUntilUID = highest
                if let retention = self.retention {
                    // A day's margin: the purge counts from when mail was recorded, not its Date.
                    state.baselineAt = max(state.baselineAt, now().addingTimeInterval(-retention + 86_400))
                }
                try self.store.save(state)
                pass.resynchronised = true
                self.log?.log(.warning, "uidvalidity-changed", ["mailbox": self.configuration.name, "uidvalidity": "\(status.uidValidity)"])
            }
        } else if let backfillSince {
            state = MailboxState(
                mailbox: self.configuration.name, uidValidity: status.uidValidity, lastUID: 0, baselineAt: backfillSince,
                resyncUntilUID: highest)
            try self.store.save(state)
        } else {
            // First start: remember where the mailbox stands; nothing already there is answered.
            state = MailboxState(
                mailbox: self.configuration.name, uidValidity: status.uidValidity, lastUID: highest, baselineAt: now(),
                lastCheckAt: now())
            try self.store.save(state)
            pass.baselined = true
            return pass
        }
        let uids = try await self.session.uids(above: state.lastUID).sorted()
        let batches = stride(from: 0, to: uids.count, by: self.batchSize).map {
            Array(uids[$0..<min($0 + self.batchSize, uids.count)])
        }
        // A pipeline over the batches, so that neither core waits: while the cores prepare batch N,
        // batch N+1 is being fetched (on the session's own queue) and batch N-1 recorded (on a
        // thread of its own). Batches are still recorded one after the other, in UID order, each
        // in one commit with the mark; a batch that was fetched but not recorded when the pass
        // stops is fetched again next time.
        var fetching: Task<FetchResult, any Error>? = batches.first.map { self.fetchTask($0) }
        var recording: Task<[ProcessResult], any Error>?
        do {
            for (number, batch) in batches.enumerated() {
                // Stop between two batches, never inside one (a batch is one commit).
                if Task.isCancelled { throw CancellationError() }
                guard let fetched = try await fetching?.value else { break }
                fetching = number + 1 < batches.count ? self.fetchTask(batches[number + 1]) : nil
                // Parse, classify and draft the batch on every core (pure work); then, in UID
                // order, let the store decide and record, all in one store transaction with the mark.
                let processor = self.processor
                let mailbox = self.configuration.name
                let prepared = Parallel.map(fetched.messages) { message in
                    let location = MessageLocation(mailbox: mailbox, uidValidity: status.uidValidity, uid: message.uid)
                    let clock = now()
                    let arrival = message.internalDate ?? clock
                    return PreparedMessage(
                        location: location, clock: clock, arrival: arrival,
                        prepared: processor.prepare(Data(message.bytes), at: location, arrival: arrival, now: clock))
                }
                // The previous batch must be committed before this one is decided on.
                if let recording { pass.count(try await recording.value) }
                recording = nil
                var next = state
                next.lastUID = max(state.lastUID, batch.last ?? state.lastUID)
                if next.lastUID >= next.resyncUntilUID { next.resyncUntilUID = 0 }
                let previous = state
                recording = self.recordTask(prepared, oversize: fetched.oversize, uidValidity: status.uidValidity,
                    previous: previous, next: next, now: now())
                state = next
            }
            if let recording { pass.count(try await recording.value) }
        } catch {
            // Nothing may be left running on the session or the store when the pass ends.
            fetching?.cancel()
            _ = try? await fetching?.value
            _ = try? await recording?.value
            throw error
        }
        if state.lastUID >= state.resyncUntilUID { state.resyncUntilUID = 0 }
        state.lastCheckAt = now()
        state.lastError = nil
        try self.store.save(state)
        return pass
    }
}

extension MailboxWorker {
    /// Fetches one batch on the session's queue, so the caller can prepare another meanwhile.
    private func fetchTask(_ uids: [UInt32]) -> Task<FetchResult, any Error> {
        let session = self.session
        let maxSize = self.configuration.maxMessageBytes
        return Task { try await session.fetch(uids: uids, maxSize: maxSize) }
    }

    /// Records one prepared batch in one store transaction, on a thread of its own (the store's
    /// calls block): in UID order, then the oversize mail, then the mark (`next`), in the same
    /// commit. A crash before the commit only means the batch is processed again, none of it
    /// having been recorded.
    private func recordTask(
        _ prepared: [PreparedMessage], oversize: [OversizeMessage], uidValidity: UInt32, previous: MailboxState,
        next: MailboxState, now: Date
    ) -> Task<[ProcessResult], any Error> {
        let processor = self.processor
        let store = self.store
        let configuration = self.configuration
        return Task {
            try await offPoolThrowing {
                var results: [ProcessResult] = []
                results.reserveCapacity(prepared.count + oversize.count)
                try store.batch {
                    for message in prepared {
                        // Dates are looked at only for mail that was there when a mailbox was read
                        // from its start (a backfill, or a rebuilt mailbox): mail above that mark is
                        // new, whatever its Date header says.
                        let notBefore = message.location.uid <= previous.resyncUntilUID ? previous.baselineAt : nil
                        results.append(try processor.process(
                            message.prepared, at: message.location, arrival: message.arrival, now: message.clock,
                            notBefore: notBefore))
                    }
                    for mail in oversize {
                        let location = MessageLocation(mailbox: configuration.name, uidValidity: uidValidity, uid: mail.uid)
                        results.append(try processor.recordOversize(
                            at: location, size: mail.size, limit: configuration.maxMessageBytes, now: now))
                    }
                    try store.save(next)
                }
                return results
            }
        }
    }
}

/// A message of a batch, prepared on some core, waiting to be recorded in UID order.
struct PreparedMessage: Sendable {
    let location: MessageLocation
    let clock: Date
    let arrival: Date
    let prepared: MessageProcessor.Prepared
}

extension MailboxPass {
    mutating func count(_ results: [ProcessResult]) {
        for result in results { self.count(result) }
    }

    mutating func count(_ result: ProcessResult) {
        if case .recorded(let outcome, _, _, _) = result { self.outcomes[outcome, default: 0] += 1 }
    }
}

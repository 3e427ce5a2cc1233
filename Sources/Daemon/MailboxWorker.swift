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
}

/// The daemon's work on one mailbox: remember where the mailbox stood on the very first start,
/// then on every pass fetch the UIDs above the high-water mark (never setting \Seen), process
/// each message exactly once, and move the mark forward batch by batch.
public struct MailboxWorker: Sendable {
    public let configuration: MailboxConfiguration
    public let processor: MessageProcessor
    public let session: IMAPSession
    public var batchSize = 200

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
            return try await self.passUnrecorded(now: now, backfillSince: backfillSince)
        } catch {
            var state = try self.store.mailboxState(self.configuration.name)
                ?? MailboxState(mailbox: self.configuration.name, uidValidity: 0, lastUID: 0, baselineAt: now())
            state.lastError = "\(error)"
            try? self.store.save(state)
            throw error
        }
    }

    private func passUnrecorded(now: @Sendable () -> Date, backfillSince: Date?) async throws -> MailboxPass {
        let status = try await self.session.select(self.configuration.folder, readOnly: true)
        var pass = MailboxPass(mailbox: self.configuration.name, uidValidity: status.uidValidity, messageCount: status.messageCount)
        var state: MailboxState
        if let known = try self.store.mailboxState(self.configuration.name), known.uidValidity != 0 {
            state = known
            if state.uidValidity != status.uidValidity {
                // The mailbox was rebuilt: its UIDs mean nothing now. Read it again from the start;
                // mail handled before is recognised by its Message-ID, older mail by its date.
                state.uidValidity = status.uidValidity
                state.lastUID = 0
                pass.resynchronised = true
            }
        } else if let backfillSince {
            state = MailboxState(mailbox: self.configuration.name, uidValidity: status.uidValidity, lastUID: 0, baselineAt: backfillSince)
        } else {
            // First start: remember where the mailbox stands; nothing already there is answered.
            state = MailboxState(
                mailbox: self.configuration.name, uidValidity: status.uidValidity,
                lastUID: status.uidNext > 0 ? status.uidNext - 1 : 0, baselineAt: now(), lastCheckAt: now())
            try self.store.save(state)
            pass.baselined = true
            return pass
        }
        // Dates are looked at only when reading a mailbox from its start (a backfill, or a rebuilt
        // mailbox): mail above the high-water mark is new, whatever its Date header says.
        let readingFromStart = pass.resynchronised || state.lastUID == 0 && backfillSince != nil
        let notBefore = readingFromStart ? state.baselineAt : nil
        let uids = try await self.session.uids(above: state.lastUID).sorted()
        for start in stride(from: 0, to: uids.count, by: self.batchSize) {
            let batch = Array(uids[start..<min(start + self.batchSize, uids.count)])
            let fetched = try await self.session.fetch(uids: batch, maxSize: self.configuration.maxMessageBytes)
            // Parse, classify and draft the batch on every core (pure work); then, in UID order,
            // let the store decide and record, all in one store transaction with the mark.
            let processor = self.processor
            let mailbox = self.configuration.name
            let prepared = Parallel.map(fetched.messages) { message in
                let location = MessageLocation(mailbox: mailbox, uidValidity: status.uidValidity, uid: message.uid)
                let clock = now()
                return (location, clock, processor.prepare(Data(message.bytes), at: location, arrival: clock, now: clock))
            }
            try self.store.batch {
                for (location, clock, message) in prepared {
                    let result = try processor.process(message, at: location, arrival: clock, now: clock, notBefore: notBefore)
                    if case .recorded(let outcome, _, _, _) = result { pass.outcomes[outcome, default: 0] += 1 }
                }
                for oversize in fetched.oversize {
                    let location = MessageLocation(mailbox: self.configuration.name, uidValidity: status.uidValidity, uid: oversize.uid)
                    let result = try self.processor.recordOversize(
                        at: location, size: oversize.size, limit: self.configuration.maxMessageBytes, now: now())
                    if case .recorded(let outcome, _, _, _) = result { pass.outcomes[outcome, default: 0] += 1 }
                }
                // Every message of the batch is recorded: move the mark in the same commit (a crash
                // before it only means the batch is processed again, none of it having been recorded).
                state.lastUID = max(state.lastUID, batch.last ?? state.lastUID)
                try self.store.save(state)
            }
        }
        state.lastCheckAt = now()
        state.lastError = nil
        try self.store.save(state)
        return pass
    }
}

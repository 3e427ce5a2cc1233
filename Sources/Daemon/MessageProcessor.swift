import Courtesy
import Drafting
import Foundation
import MailParsing
import Store
import Triage

/// Where a message was found on the server: the key that makes processing exactly-once.
public struct MessageLocation: Sendable, Equatable, CustomStringConvertible {
    public var mailbox: String
    public var uidValidity: UInt32
    public var uid: UInt32

    public init(mailbox: String, uidValidity: UInt32, uid: UInt32) {
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.uid = uid
    }

    public var description: String { "\(self.mailbox)/\(self.uidValidity)/\(self.uid)" }
}

/// What happened to one message, as the loop logs it.
public enum ProcessResult: Sendable, Equatable {
    case alreadyProcessed
    case recorded(outcome: MessageOutcome, messageRow: Int64, draftID: Int64?, reason: String?)
}

/// The daemon's work for one message: parse, suppress machine mail, decide whether to acknowledge
/// (follow-ups, per-sender window, hourly cap), classify, draft, lint, and record the outcome with
/// its draft in one store transaction. Everything before the record is pure, so a crash at any
/// point before it leaves nothing behind and the message is simply processed again; the record
/// itself is keyed by (mailbox, UIDVALIDITY, UID), so it happens at most once.
public struct MessageProcessor: Sendable {
    public var parser: MailParser
    public var suppression: SuppressionPolicy
    public var classifier: Classifier
    public var drafter: Drafter
    public var policy: AcknowledgementPolicy
    public let store: any MessageStore
    /// Server steps recorded with every queued draft (a keyword on the original, an APPEND to Drafts).
    public var draftSteps: [ServerStepKind] = []
    /// When set (mode `auto`), a draft this sure and without findings at warning or above is
    /// approved for sending at once, unless the mailbox is paused.
    public var autoApproveAt: Double?
    /// Where each recorded message is logged (one line, with its Message-ID); nil logs nothing.
    public var log: EventLog?

    public init(
        parser: MailParser = MailParser(), suppression: SuppressionPolicy, classifier: Classifier, drafter: Drafter,
        policy: AcknowledgementPolicy, store: any MessageStore
    ) {
        self.parser = parser
        self.suppression = suppression
        self.classifier = classifier
        self.drafter = drafter
        self.policy = policy
        self.store = store
    }

    /// Records a message too large to fetch: a person must look at it in their mail client.
    public func recordOversize(at location: MessageLocation, size: Int, limit: Int, now: Date) throws -> ProcessResult {
        if try self.store.isRecorded(mailbox: location.mailbox, uidValidity: location.uidValidity, uid: location.uid) {
            return .alreadyProcessed
        }
        let reason = "too large: \(size) bytes (max_message_bytes is \(limit)); not fetched"
        let incoming = IncomingMessage(
            mailbox: location.mailbox, uidValidity: location.uidValidity, uid: location.uid, messageID: nil, sender: nil,
            subject: nil, receivedAt: now, outcome: .unreadable, reason: reason)
        switch try self.store.record(incoming, draft: nil, actor: "daemon") {
        case .alreadyRecorded: return .alreadyProcessed
        case .recorded(let row, _):
            self.log?.log(
                .warning, "message",
                ["mailbox": location.mailbox, "uid": "\(location.uid)", "id": "\(row)", "outcome": "unreadable", "reason": reason])
            return .recorded(outcome: .unreadable, messageRow: row, draftID: nil, reason: reason)
        }
    }

    /// Mode `auto`: approves a fresh draft for the outbox when every condition holds; otherwise it
    /// stays queued for a person. A separate commit after the record: a crash in
    /// between leaves the draft queued for a person, the safe side.
    private func autoApprove(
        _ draftID: Int64, mailbox: String, threshold: Double, confidence: Double, uncertain: Bool, worst: Severity?
    ) throws {
        var holds: [String] = []
        if let pause = try self.store.pause(holding: mailbox) {
            holds.append("the mailbox is paused (by \(pause.actor))")
        }
        if uncertain || confidence < threshold {
            holds.append("confidence \(String(format: "%.2f", confidence)) is below \(String(format: "%.2f", threshold))")
        }
        if let worst, worst >= .warning { holds.append("a finding at \(worst.rawValue) level") }
        if holds.isEmpty {
            try self.store.transition(
                draft: draftID, from: .queued, to: .approved, actor: "auto",
                reason: "mode auto: confidence \(String(format: "%.2f", confidence)), no finding at warning or above")
        }
    }

    /// The part of processing that needs no store: parse, suppression, classification, and the
    /// draft the message gets if the store's facts allow one. Pure, so a batch can be prepared on
    /// several cores before its messages are recorded one by one (`process(_:at:…)`).
    public struct Prepared: Sendable {
        let parsed: Result<InboundMessage, MailParseError>
        let suppression: Suppression?
        let classification: Classification?
        let draft: Result<Drafting.Draft, any Error>?
    }

    public func prepare(_ raw: Data, at location: MessageLocation, arrival: Date, now: Date) -> Prepared {
        let message: InboundMessage
        do {
            message = try self.parser.parse(raw)
        } catch {
            return Prepared(parsed: .failure(error), suppression: nil, classification: nil, draft: nil)
        }
        if let suppressed = self.suppression.evaluate(message) {
            return Prepared(parsed: .success(message), suppression: suppressed, classification: nil, draft: nil)
        }
        let classification = self.classifier.classify(subject: message.subject, text: message.text.wordsToClassify)
        let ticket = "T-\(location.uidValidity)-\(location.uid)"
        let draft = Result<Drafting.Draft, any Error> {
            try self.drafter.draft(message, classification: classification, arrival: arrival, now: now, ticket: ticket)
        }
        return Prepared(parsed: .success(message), suppression: nil, classification: classification, draft: draft)
    }

    /// - Parameters:
    ///   - arrival: the server's INTERNALDATE, or the time it was fetched.
    ///   - now: the clock, given so that tests and replays are reproducible.
    ///   - notBefore: mail dated before this is recorded as `skipped`, not acknowledged (the moment
    ///     Tact started watching, or a backfill's start).
    public func process(_ raw: Data, at location: MessageLocation, arrival: Date, now: Date, notBefore: Date? = nil)
        throws -> ProcessResult
    {
        if try self.store.isRecorded(mailbox: location.mailbox, uidValidity: location.uidValidity, uid: location.uid) {
            return .alreadyProcessed
        }
        return try self.decideAndRecord(
            self.prepare(raw, at: location, arrival: arrival, now: now), at: location, arrival: arrival, now: now,
            notBefore: notBefore)
    }

    /// Records a prepared message: what the store knows (recorded already, seen under another
    /// UIDVALIDITY, follow-up, per-sender window, hourly cap) decides whether its draft is kept.
    /// `arrival` and `now` must be those given to `prepare`.
    public func process(
        _ prepared: Prepared, at location: MessageLocation, arrival: Date, now: Date, notBefore: Date? = nil
    ) throws -> ProcessResult {
        if try self.store.isRecorded(mailbox: location.mailbox, uidValidity: location.uidValidity, uid: location.uid) {
            return .alreadyProcessed
        }
        return try self.decideAndRecord(prepared, at: location, arrival: arrival, now: now, notBefore: notBefore)
    }

    private func decideAndRecord(
        _ prepared: Prepared, at location: MessageLocation, arrival: Date, now: Date, notBefore: Date?
    ) throws -> ProcessResult {
        func record(_ incoming: IncomingMessage, _ draft: NewDraft?) throws -> ProcessResult {
            switch try self.store.record(incoming, draft: draft, steps: draft == nil ? [] : self.draftSteps, actor: "daemon") {
            case .alreadyRecorded: return .alreadyProcessed
            case .recorded(let row, let draftID):
                self.log?.log(
                    .info, "message",
                    ["mailbox": location.mailbox, "uid": "\(location.uid)", "id": "\(row)", "message-id": incoming.messageID,
                     "outcome": incoming.outcome.rawValue, "draft": draftID.map { "\($0)" }, "category": incoming.category,
                     "reason": incoming.reason])
                return .recorded(outcome: incoming.outcome, messageRow: row, draftID: draftID, reason: incoming.reason)
            }
        }
        func incoming(_ message: InboundMessage?, _ outcome: MessageOutcome, reason: String?, category: String? = nil,
                      confidence: Double? = nil) -> IncomingMessage {
            IncomingMessage(
                mailbox: location.mailbox, uidValidity: location.uidValidity, uid: location.uid,
                messageID: message?.messageID, sender: message?.from?.address, subject: message?.subject,
                receivedAt: arrival, outcome: outcome, reason: reason, category: category, confidence: confidence,
                senderName: message?.from?.name, customerText: message?.text.ownWords)
        }

        let message: InboundMessage
        switch prepared.parsed {
        case .success(let parsed): message = parsed
        case .failure(let error): return try record(incoming(nil, .unreadable, reason: "unreadable: \(error)"), nil)
        }
        // Seen before under another UIDVALIDITY (the mailbox was rebuilt): never handled twice.
        if let id = message.messageID,
            let earlier = try self.store.messages(withMessageID: id).first(where: { $0.message.mailbox == location.mailbox })
        {
            return try record(incoming(message, .skipped, reason: "already handled as message \(earlier.id)"), nil)
        }
        if let notBefore, let date = message.date, date < notBefore {
            return try record(incoming(message, .skipped, reason: "dated before Tact watched this mailbox"), nil)
        }
        if let suppressed = prepared.suppression {
            let reason = "\(suppressed.reason.rawValue): \(suppressed.detail)"
            // A delivery report about one of our replies: that draft is `bounced`, and the address
            // is not acknowledged again (recorded together, in one transaction).
            if let bounce = suppressed.bounce, let (draft, failed) = try self.bouncedReply(bounce, in: message),
                let address = draft.draft.recipient
            {
                switch try self.store.recordBounce(
                    incoming(message, .suppressed, reason: "\(reason); our reply (draft \(draft.id)) to \(address) bounced",
                             category: "automated"),
                    draft: draft.id, address: address, status: failed.status, actor: "daemon")
                {
                case .alreadyRecorded: return .alreadyProcessed
                case .recorded(let row, _):
                    return .recorded(outcome: .suppressed, messageRow: row, draftID: nil, reason: reason)
                }
            }
            return try record(incoming(message, .suppressed, reason: reason, category: "automated"), nil)
        }
        // An address that bounced one of our replies gets no acknowledgement; a person still sees the mail.
        if let sender = message.from?.address, let bounced = try self.store.bouncedAddress(sender) {
            return try record(
                incoming(message, .skipped, reason: "address bounced our reply of \(Self.day(bounced.sentAt)) (draft \(bounced.draftID))"),
                nil)
        }
        let threadIDs = message.inReplyTo + message.references
        let facts = AcknowledgementPolicy.Facts(
            threadRoot: try self.store.threadRoot(referencing: threadIDs.flatMap { [$0, "<\($0)>"] })?.id,
            lastAcknowledgementOfSender: try message.from.flatMap { try self.store.lastAcknowledgement(of: $0.address) },
            acknowledgementsInLastHour: try self.store.acknowledgementCount(mailbox: location.mailbox, since: now.addingTimeInterval(-3600)))
        guard let classification = prepared.classification, let drafted = prepared.draft else {
            preconditionFailure("a prepared message that is not suppressed has a classification and a draft")
        }
        let category = classification.category.rawValue
        switch self.policy.decide(facts, now: now) {
        case .attach(let root):
            return try record(
                incoming(message, .attached, reason: "follow-up of message \(root)", category: category,
                         confidence: classification.confidence), nil)
        case .rateLimited(let reason):
            return try record(
                incoming(message, .rateLimited, reason: reason, category: category, confidence: classification.confidence), nil)
        case .acknowledge:
            let draft: Drafting.Draft
            do {
                draft = try drafted.get()
            } catch {
                return try record(incoming(message, .unreadable, reason: "cannot reply: \(error)", category: category), nil)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let findings = String(decoding: (try? encoder.encode(draft.findings)) ?? Data("[]".utf8), as: UTF8.self)
            let reason = classification.uncertain ? "uncertain: \(classification.uncertainReasons.joined(separator: "; "))" : nil
            let result = try record(
                incoming(message, .drafted, reason: reason, category: category, confidence: classification.confidence),
                NewDraft(
                    template: draft.template, subject: draft.subject, body: draft.body, findingsJSON: findings,
                    promisedBy: draft.promisedBy, replyMessageID: draft.messageID, recipient: draft.to.address,
                    recipientName: draft.to.name, inReplyTo: draft.inReplyTo, references: draft.references))
            if let threshold = self.autoApproveAt, case .recorded(_, _, let draftID?, _) = result {
                try self.autoApprove(
                    draftID, mailbox: location.mailbox, threshold: threshold, confidence: classification.confidence,
                    uncertain: classification.uncertain, worst: draft.findings.map(\.severity).max())
            }
            return result
        }
    }

    /// The sent reply a delivery report is about, found by its Message-ID (the returned headers'
    /// Message-ID, or the report's In-Reply-To/References), with the permanent failure reported
    /// for its recipient. Nil when the report names no permanent failure or none of our replies.
    private func bouncedReply(_ bounce: BounceDetails, in message: InboundMessage) throws -> (StoredDraft, FailedRecipient)? {
        guard let firstFailure = bounce.failedRecipients.first else { return nil }
        let ids = [bounce.originalMessageID].compactMap { $0 } + message.inReplyTo + message.references
        guard let draft = try self.store.drafts(withReplyMessageID: ids).first(where: { $0.state == .sent || $0.state == .bounced })
        else { return nil }
        let recipient = draft.draft.recipient?.lowercased()
        let failure = bounce.failedRecipients.first { $0.address.lowercased() == recipient } ?? firstFailure
        return (draft, failure)
    }

    /// A day and time for reasons people read, in UTC: "2026-11-23 08:05 UTC".
    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}

import Foundation

/// What happened to one incoming message.
public enum MessageOutcome: String, Sendable, Codable, CaseIterable {
    /// Machine mail or a blocked sender: never answered; `reason` says why.
    case suppressed
    /// A draft was made for it.
    case drafted
    /// A follow-up in a thread we already hold: attached to the earlier item, not acknowledged again.
    case attached
    /// Human mail not acknowledged because of the per-sender window or the hourly cap.
    case rateLimited = "rate-limited"
    /// The message could not be read as mail (over the size cap, not MIME): kept for a person, never answered.
    case unreadable
    /// Not acknowledged on purpose: it arrived before Tact watched the mailbox, or it was already
    /// handled under an earlier UIDVALIDITY, or its sender bounced one of our replies.
    case skipped
}

/// One incoming message as the daemon records it, keyed by where it was found on the server.
public struct IncomingMessage: Sendable, Equatable {
    public var mailbox: String
    public var uidValidity: UInt32
    public var uid: UInt32
    public var messageID: String?
    public var sender: String?
    public var subject: String?
    public var receivedAt: Date
    public var outcome: MessageOutcome
    /// Machine-readable reason (suppression reason, rate limit, …).
    public var reason: String?
    public var category: String?
    public var confidence: Double?
    /// The customer's display name, as they wrote it.
    public var senderName: String?
    /// What the customer wrote, without quoted history or signature (at most 64 KB), for review.
    public var customerText: String?

    public init(
        mailbox: String, uidValidity: UInt32, uid: UInt32, messageID: String?, sender: String?, subject: String?,
        receivedAt: Date, outcome: MessageOutcome, reason: String? = nil, category: String? = nil,
        confidence: Double? = nil, senderName: String? = nil, customerText: String? = nil
    ) {
        self.senderName = senderName
        self.customerText = customerText.map { String($0.utf8.prefix(65_536)) ?? $0 }
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.uid = uid
        self.messageID = messageID
        self.sender = sender
        self.subject = subject
        self.receivedAt = receivedAt
        self.outcome = outcome
        self.reason = reason
        self.category = category
        self.confidence = confidence
    }
}

/// A draft about to be queued.
public struct NewDraft: Sendable, Equatable {
    public var template: String
    public var subject: String
    public var body: String
    /// The lint findings as JSON (the `tact lint --json` shape), stored as the linter produced them.
    public var findingsJSON: String
    public var promisedBy: Date?
    /// The Message-ID the reply will carry, chosen when drafting, so a customer's answer to it
    /// (In-Reply-To) is recognised as a follow-up of this item.
    public var replyMessageID: String?
    /// Who the reply goes to, and the thread it continues (In-Reply-To, References), as decided
    /// when drafting: the outbox composes the message from these.
    public var recipient: String?
    public var recipientName: String?
    public var inReplyTo: String?
    public var references: [String]

    public init(
        template: String, subject: String, body: String, findingsJSON: String = "[]", promisedBy: Date? = nil,
        replyMessageID: String? = nil, recipient: String? = nil, recipientName: String? = nil, inReplyTo: String? = nil,
        references: [String] = []
    ) {
        self.recipient = recipient
        self.recipientName = recipientName
        self.inReplyTo = inReplyTo
        self.references = references
        self.template = template
        self.subject = subject
        self.body = body
        self.findingsJSON = findingsJSON
        self.promisedBy = promisedBy
        self.replyMessageID = replyMessageID
    }
}

/// A stored message.
public struct StoredMessage: Sendable, Equatable {
    public let id: Int64
    public let message: IncomingMessage
}

/// A stored draft.
public struct StoredDraft: Sendable, Equatable {
    public let id: Int64
    public let messageRowID: Int64
    public let state: DraftState
    public let draft: NewDraft
    /// Why the draft is in its state (a rejection reason, the SMTP server's refusal).
    public let stateReason: String?
    public let createdAt: Date
    public let updatedAt: Date
}

/// One row of the audit log: every state change, with who or what made it.
public struct AuditEntry: Sendable, Equatable {
    public let at: Date
    /// A person's name, or `daemon`, `outbox`, …
    public let actor: String
    public let messageRowID: Int64
    public let draftID: Int64?
    public let action: String
    public let detail: String?
}

/// The result of recording a message: exactly-once is decided here.
public enum RecordResult: Sendable, Equatable {
    case recorded(messageRowID: Int64, draftID: Int64?)
    /// The same (mailbox, UIDVALIDITY, UID) was recorded before: nothing was written.
    case alreadyRecorded(messageRowID: Int64)
}

/// What the daemon remembers about one mailbox between runs.
public struct MailboxState: Sendable, Equatable {
    public var mailbox: String
    /// The UIDVALIDITY the UIDs below belong to.
    public var uidValidity: UInt32
    /// Every UID up to this one has been looked at (the high-water mark).
    public var lastUID: UInt32
    /// When Tact first watched this mailbox: older mail is never acknowledged unless backfilled.
    public var baselineAt: Date
    public var lastCheckAt: Date?
    /// The last failure, kept until a check succeeds (shown by `tact status`).
    public var lastError: String?
    /// While a rebuilt mailbox (new UIDVALIDITY) is read again from its start, the UIDNEXT it had
    /// then: mail up to here is old unless proven new (its date), even if the resync is
    /// interrupted and resumed by a later pass. 0 when no resync is under way.
    public var resyncUntilUID: UInt32

    public init(
        mailbox: String, uidValidity: UInt32, lastUID: UInt32, baselineAt: Date, lastCheckAt: Date? = nil,
        lastError: String? = nil, resyncUntilUID: UInt32 = 0
    ) {
        self.resyncUntilUID = resyncUntilUID
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.lastUID = lastUID
        self.baselineAt = baselineAt
        self.lastCheckAt = lastCheckAt
        self.lastError = lastError
    }
}

import Foundation

/// Tact's state: processed messages, the draft queue, and the audit log. The daemon and the CLI
/// use this protocol only, so another backend (PostgreSQL, for several daemons) can be added
/// without touching the stages.
public protocol MessageStore: Sendable {
    /// Records an incoming message and, if given, its draft, in one transaction with their audit
    /// rows. Recording the same (mailbox, UIDVALIDITY, UID) twice writes nothing the second time:
    /// this is what makes processing exactly-once across crashes.
    func record(_ message: IncomingMessage, draft: NewDraft?, actor: String) throws -> RecordResult

    /// Whether (mailbox, UIDVALIDITY, UID) was recorded.
    func isRecorded(mailbox: String, uidValidity: UInt32, uid: UInt32) throws -> Bool

    /// Moves a draft from `expected` to `next`, atomically. Fails with `.conflict` when the draft is
    /// no longer in `expected` (someone else acted first), `.invalidTransition` when the lifecycle
    /// forbids it. A move to `sending` is committed with full durability (`synchronous=FULL`), because
    /// at-most-once sending rests on it surviving a power cut.
    /// `revision`, when given, replaces the draft's body and promised time in the same transaction
    /// (a promise renewed at approval).
    @discardableResult
    func transition(
        draft id: Int64, from expected: DraftState, to next: DraftState, actor: String, reason: String?,
        revision: DraftRevision?
    ) throws -> StoredDraft

    func draft(id: Int64) throws -> StoredDraft?
    func drafts(in state: DraftState?) throws -> [StoredDraft]
    func message(rowID: Int64) throws -> StoredMessage?
    /// Every message recorded with this Message-ID (the same mail may sit in two mailboxes).
    func messages(withMessageID messageID: String) throws -> [StoredMessage]
    func auditTrail(messageRowID: Int64) throws -> [AuditEntry]

    /// The earliest recorded message of the thread that any of `messageIDs` (a new mail's
    /// In-Reply-To and References) points at: a customer message we hold, or one of our replies.
    func threadRoot(referencing messageIDs: [String]) throws -> StoredMessage?
    /// Messages recorded after `date` that continue the thread of `messageRowID` or come from the
    /// same sender in the same mailbox: a draft for which any exist is stale.
    func laterMessages(inThreadOf messageRowID: Int64, after date: Date) throws -> [StoredMessage]
    /// When `sender` was last acknowledged (a draft was made for them), in any mailbox.
    func lastAcknowledgement(of sender: String) throws -> Date?
    /// How many acknowledgements `mailbox` made since `date` (the flood valve).
    func acknowledgementCount(mailbox: String, since date: Date) throws -> Int

    /// Replaces a queued draft's content and its message's category in one transaction (a reviewer
    /// recategorised it). Fails with `.conflict` when the draft is no longer queued.
    func revise(draft id: Int64, to draft: NewDraft, category: String, actor: String, detail: String) throws -> StoredDraft

    func mailboxState(_ mailbox: String) throws -> MailboxState?
    func save(_ state: MailboxState) throws
    /// Counts of drafts by state (for `tact status`).
    func draftCounts() throws -> [DraftState: Int]
    /// Counts of messages by outcome for one mailbox.
    func outcomeCounts(mailbox: String) throws -> [MessageOutcome: Int]

    /// Runs `body`, whose calls to this store (from this thread) form one transaction: committed
    /// together at the end, or not at all when `body` throws. A store without transactions just
    /// runs `body`.
    func batch<T>(_ body: () throws -> T) throws -> T
}

/// A new body and promise for a draft, applied together with a state change.
public struct DraftRevision: Sendable, Equatable {
    public var body: String
    public var promisedBy: Date?
    public init(body: String, promisedBy: Date?) {
        self.body = body
        self.promisedBy = promisedBy
    }
}

extension MessageStore {
    public func batch<T>(_ body: () throws -> T) throws -> T { try body() }

    @discardableResult
    public func transition(draft id: Int64, from expected: DraftState, to next: DraftState, actor: String, reason: String?)
        throws -> StoredDraft
    {
        try self.transition(draft: id, from: expected, to: next, actor: actor, reason: reason, revision: nil)
    }
}

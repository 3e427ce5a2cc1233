import Foundation

/// Tact's state: processed messages, the draft queue, and the audit log. The daemon and the CLI
/// use this protocol only, so another backend (PostgreSQL, for several daemons) can be added
/// without touching the stages.
public protocol MessageStore: Sendable {
    /// Records an incoming message and, if given, its draft, in one transaction with their audit
    /// rows. Recording the same (mailbox, UIDVALIDITY, UID) twice writes nothing the second time:
    /// this is what makes processing exactly-once across crashes.
    /// `steps` are server steps to do after the commit (a keyword, an APPEND to Drafts), recorded in
    /// the same transaction so that a crash before they are done leaves them pending.
    func record(_ message: IncomingMessage, draft: NewDraft?, steps: [ServerStepKind], actor: String) throws -> RecordResult

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

    // MARK: Outbox (sending, the steps after it, bounces)

    /// Moves a draft from `sending` to `sent` and records its post-send `steps` as pending, with the
    /// exact bytes sent, in one transaction: the steps can never be lost between the two.
    @discardableResult
    func markSent(draft id: Int64, reply: String, copy: Data, steps: [PostSendStepKind], actor: String) throws -> StoredDraft
    /// Post-send steps not yet done, oldest first.
    func pendingPostSendSteps() throws -> [PostSendStep]
    /// Claims a pending step for `seconds`, so that two outbox processes never do it at once;
    /// false when it is done or another process holds it. A crashed holder's claim runs out.
    func claimPostSendStep(draft id: Int64, kind: PostSendStepKind, for seconds: TimeInterval, now: Date) throws -> Bool
    /// Records the end of one attempt at a post-send step (and releases its claim): done (with `detail`), or failed with
    /// `error` (it stays pending and is tried again). Both are written to the audit log.
    func finishPostSendStep(draft id: Int64, kind: PostSendStepKind, error: String?, detail: String?, actor: String) throws
    /// The drafts whose reply carried one of `messageIDs` (with or without angle brackets).
    func drafts(withReplyMessageID messageIDs: [String]) throws -> [StoredDraft]
    /// Records a delivery report about one of our sent replies, in one transaction: the report
    /// itself (as `message`), the draft moved `sent` → `bounced`, and `address` put on the
    /// do-not-acknowledge list. Recording the same report twice writes nothing the second time.
    func recordBounce(_ message: IncomingMessage, draft id: Int64, address: String, status: String?, actor: String) throws
        -> RecordResult
    /// The do-not-acknowledge entry for `address` (any case), if it bounced one of our replies.
    func bouncedAddress(_ address: String) throws -> BouncedAddress?

    func mailboxState(_ mailbox: String) throws -> MailboxState?
    func save(_ state: MailboxState) throws
    /// Counts of drafts by state (for `tact status`).
    func draftCounts() throws -> [DraftState: Int]
    /// Counts of messages by outcome for one mailbox.
    func outcomeCounts(mailbox: String) throws -> [MessageOutcome: Int]

    /// Server steps of `mailbox` not yet done, oldest first.
    func pendingSteps(mailbox: String) throws -> [ServerStep]
    /// Marks a step done (`error` nil) or records a failed attempt (it stays pending).
    func finishStep(_ id: Int64, error: String?) throws

    /// Pauses one mailbox (or all, `mailbox` nil). Pausing twice keeps the first pause.
    func pause(mailbox: String?, actor: String, reason: String?) throws
    /// Lifts the pause of one mailbox (or the global one). Returns whether there was one.
    @discardableResult func resume(mailbox: String?, actor: String) throws -> Bool
    /// Every pause in force.
    func pauses() throws -> [Pause]
    /// Deletes what was recorded before `cutoff` and is finished with (retention): messages, their
    /// drafts and audit rows. A draft a person may still act on (`DraftState.keptByRetention`) is
    /// never deleted, nor is its message. In one transaction.
    func purge(recordedBefore cutoff: Date) throws -> PurgeReport

    /// Deletes everything about one person (a data-subject request): the messages they sent, the
    /// drafts addressed to them with the messages those answer, their audit rows, and their name or
    /// address in any other audit row. Acknowledgement memory goes with the messages. Refuses with
    /// `.conflict`, changing nothing, while a reply to them is being sent.
    func forget(address: String) throws -> ForgetReport

    /// Runs `body`, whose calls to this store (from this thread) form one transaction: committed
    /// together at the end, or not at all when `body` throws. A store without transactions just
    /// runs `body`.
    func batch<T>(_ body: () throws -> T) throws -> T
}

/// What a retention purge deleted.
public struct PurgeReport: Sendable, Equatable {
    public var messages: Int
    public var drafts: Int
    public var auditRows: Int
    /// Messages older than the cutoff kept because a draft for them still awaits a person.
    public var keptForPendingDrafts: Int

    public init(messages: Int = 0, drafts: Int = 0, auditRows: Int = 0, keptForPendingDrafts: Int = 0) {
        self.messages = messages
        self.drafts = drafts
        self.auditRows = auditRows
        self.keptForPendingDrafts = keptForPendingDrafts
    }
}

/// What `forget(address:)` deleted.
public struct ForgetReport: Sendable, Equatable {
    /// Row ids of the deleted messages (correction files are named after them).
    public var messageRowIDs: [Int64]
    public var drafts: Int
    public var auditRows: Int
    /// Audit rows of other messages whose detail named the person, now redacted.
    public var auditRowsRedacted: Int
    /// Copies of their drafts that Tact put in a Drafts folder (mode `drafts-folder`) and had not
    /// removed: they stay on the mail server. Each is (folder, the copy's Message-ID).
    public var draftCopiesLeft: [DraftCopy]

    public struct DraftCopy: Sendable, Equatable {
        public var folder: String
        public var messageID: String
    }

    public init(
        messageRowIDs: [Int64] = [], drafts: Int = 0, auditRows: Int = 0, auditRowsRedacted: Int = 0,
        draftCopiesLeft: [DraftCopy] = []
    ) {
        self.messageRowIDs = messageRowIDs
        self.drafts = drafts
        self.auditRows = auditRows
        self.auditRowsRedacted = auditRowsRedacted
        self.draftCopiesLeft = draftCopiesLeft
    }
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
    public func record(_ message: IncomingMessage, draft: NewDraft?, actor: String) throws -> RecordResult {
        try self.record(message, draft: draft, steps: [], actor: actor)
    }

    /// The pause that holds `mailbox`: its own, or the global one.
    public func pause(holding mailbox: String) throws -> Pause? {
        try self.pauses().first { $0.mailbox == mailbox || $0.mailbox == nil }
    }
    public func batch<T>(_ body: () throws -> T) throws -> T { try body() }

    @discardableResult
    public func transition(draft id: Int64, from expected: DraftState, to next: DraftState, actor: String, reason: String?)
        throws -> StoredDraft
    {
        try self.transition(draft: id, from: expected, to: next, actor: actor, reason: reason, revision: nil)
    }
}

import Configuration
import Drafting
import Foundation
import MailTransport
import Store

/// Sends approved replies **at most once, and never silently lost**, then files them on the server.
///
/// The mechanism, in order, for each approved draft:
/// 1. Stale drafts never go out (`staleReason`): if the customer has written again since the draft
///    was made, or a colleague has answered (the original is `\Answered` on the server, or a reply
///    to it is in the Sent folder), it becomes `superseded`. When the server cannot be asked, the
///    draft waits for the next pass rather than risk a stale reply. A promise already past is
///    renewed from now (the approval's renewal may itself be old by the time the outbox runs); if
///    the text does not say it in words Tact can update, the draft goes back to the queue.
/// 2. The draft is committed as `sending` with full durability (`synchronous=FULL`) *before* the
///    SMTP transaction starts. From here on the only ways out are `sent`, `failed`,
///    `outcome-unknown`, or back to `approved` when it is certain the server never got the data.
/// 3. The SMTP transaction. The client reports whether the message data may have been accepted:
///    - success: `sent`, with the server's reply;
///    - refused before the data, temporarily (4xx, network): back to `approved`, tried again on
///      the next pass;
///    - refused before the data, permanently (5xx): `failed`, with the server's text;
///    - anything after the data may have been accepted: `outcome-unknown`. It is never resent by
///      itself; only a person (`tact queue retry`) sends it again.
/// 4. A crash between 2 and 3's record leaves the draft in `sending`. `recoverInterrupted()`, run
///    before every pass, turns such drafts into `outcome-unknown`: the server may have the
///    message, so sending again could answer the customer twice.
/// 5. After the SMTP server took it, the commit that marks the draft `sent` also records the
///    server steps still to do, with the exact bytes sent: APPEND a copy to the Sent folder and
///    flag the original `\Answered` (never `\Seen`). They run at the end of the pass; a failure is
///    written to the audit log (`tact explain`) and the step stays pending for the next pass. Both
///    are idempotent, so replaying them after a crash is safe: the APPEND first looks for the
///    reply's Message-ID in Sent (`UID SEARCH HEADER`), and setting a flag twice changes nothing.
///    A step never touches the draft's state, so it can never cause a resend. Each attempt first
///    claims its step in the store for `stepClaimSeconds`, so two outbox processes never file the
///    same copy at once; after a crash the step is replayed once that claim has run out.
public struct Outbox: Sendable {
    public let store: any MessageStore
    public let configuration: TactConfiguration
    /// Opens the IMAP session for a mailbox (one per mailbox per pass).
    public var openSession: @Sendable (MailboxConfiguration) -> IMAPSession
    /// For tests: called after a server step succeeded, before it is recorded. Throwing stops the
    /// pass there, as a crash would (the step stays pending); it may also take the server down.
    var afterServerStep: (@Sendable (PostSendStepKind) throws -> Void)?

    public init(
        store: any MessageStore, configuration: TactConfiguration,
        openSession: @escaping @Sendable (MailboxConfiguration) -> IMAPSession = {
            IMAPSession(endpoint: $0.endpoint, credentials: $0.credentials)
        }
    ) {
        self.store = store
        self.configuration = configuration
        self.openSession = openSession
    }

    public enum Result: Sendable, Equatable {
        case sent(draft: Int64, reply: String)
        case superseded(draft: Int64, reason: String)
        case retryLater(draft: Int64, reason: String)
        case failed(draft: Int64, reason: String)
        case outcomeUnknown(draft: Int64, reason: String)
        case skipped(draft: Int64, reason: String)
        /// Back in the queue for a person: it could not be sent as approved (a past promise whose
        /// words Tact cannot update).
        case requeued(draft: Int64, reason: String)
    }

    /// Drafts left in `sending` by a crash become `outcome-unknown`.
    @discardableResult
    public func recoverInterrupted() throws -> [Int64] {
        var recovered: [Int64] = []
        for draft in try self.store.drafts(in: .sending) {
            try self.store.transition(
                draft: draft.id, from: .sending, to: .outcomeUnknown, actor: "outbox",
                reason: "interrupted while sending: the server may have the message; `tact queue retry` sends it again")
            recovered.append(draft.id)
        }
        return recovered
    }

    /// One pass: the approved drafts, then every server step still pending (this pass's and
    /// earlier ones'). Server-step failures are not thrown: they are in the audit log and retried.
    public func sendApproved(now: @Sendable () -> Date = { Date() }) async throws -> [Result] {
        try self.recoverInterrupted()
        let sessions = Sessions(open: self.openSession)
        do {
            var results: [Result] = []
            for draft in try self.store.drafts(in: .approved) {
                results.append(try await self.send(draft, now: now(), sessions: sessions))
            }
            try await self.finishPostSendSteps(sessions: sessions, now: now())
            await sessions.closeAll()
            return results
        } catch {
            await sessions.closeAll()
            throw error
        }
    }

    /// Why `draft` must not go out any more, or nil. Every check that makes an approved reply
    /// stale belongs here, cheapest first.
    /// - Throws: `TransportError` when the IMAP server cannot be asked (the draft then waits).
    private func staleReason(
        _ draft: StoredDraft, of stored: StoredMessage, mailbox: MailboxConfiguration, sessions: Sessions
    ) async throws -> String? {
        // (A paused mailbox is not stale: its replies are held, approved, before this is asked.)
        if let newer = try self.store.laterMessages(inThreadOf: stored.id, after: draft.createdAt).first {
            return "the customer wrote again (message \(newer.id)) before this reply went out"
        }
        if let colleague = try await self.colleagueAnswered(
            stored.message, draftReplyID: draft.draft.replyMessageID, mailbox: mailbox, sessions: sessions) {
            return colleague
        }
        return nil
    }

    /// Whether someone answered the original outside Tact: it is `\Answered` on the server, or a
    /// message whose In-Reply-To is its Message-ID is in the Sent folder.
    private func colleagueAnswered(
        _ message: IncomingMessage, draftReplyID: String?, mailbox: MailboxConfiguration, sessions: Sessions
    ) async throws -> String? {
        let session = sessions.session(for: mailbox)
        let bareID = message.messageID.map(Self.bare)
        let status = try await session.select(mailbox.folder, readOnly: true)
        var uids: [UInt32] = []
        if status.uidValidity == message.uidValidity {
            uids = [message.uid]
        } else if let bareID, !bareID.isEmpty {
            // The folder was renumbered since: find the original by its Message-ID.
            uids = try await session.search(header: "Message-ID", containing: bareID)
        }
        if let answered = try await session.flags(uids: uids).first(where: { $0.value.contains { $0.lowercased() == "\\answered" } }) {
            return "a colleague has answered: the original is flagged \\Answered on the server (\(mailbox.folder) UID \(answered.key))"
        }
        if let sent = mailbox.sentFolder, let bareID, !bareID.isEmpty {
            try await Self.selectSent(sent, of: mailbox, session: session)
            let replyID = draftReplyID.map(Self.bare) ?? ""
            let ownCopies = replyID.isEmpty ? [] : try await session.search(header: "Message-ID", containing: replyID)
            if let uid = ownCopies.first {
                // A server that files submitted mail itself (Gmail, Exchange) has this very reply:
                // an earlier attempt whose outcome was unknown was delivered after all.
                return "this reply is already in \(sent) (UID \(uid)): an earlier attempt was delivered, so it is not sent again"
            }
            if let uid = try await session.search(header: "In-Reply-To", containing: bareID).first {
                return "a colleague has answered: a reply to it is in \(sent) (UID \(uid))"
            }
        }
        return nil
    }

    /// Opens the Sent folder, saying which setting to fix when it does not exist.
    private static func selectSent(_ folder: String, of mailbox: MailboxConfiguration, session: IMAPSession) async throws {
        let failure: TransportError
        do {
            _ = try await session.select(folder, readOnly: true)
            return
        } catch {
            failure = error
        }
        guard failure.kind == .noSuchMailbox else { throw failure }
        throw TransportError(
            .noSuchMailbox,
            "sent_folder \"\(folder)\" of mailbox \(mailbox.name) does not exist on \(mailbox.endpoint.host): "
                + "set sent_folder to the server's Sent folder, or to \"\" to keep no copy",
            serverText: failure.serverText)
    }

    private static func bare(_ messageID: String) -> String {
        messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
    }

    private func send(_ draft: StoredDraft, now: Date, sessions: Sessions) async throws -> Result {
        guard let stored = try self.store.message(rowID: draft.messageRowID) else {
            return .skipped(draft: draft.id, reason: "its message is gone")
        }
        let message = stored.message
        guard let mailbox = self.configuration.mailbox(named: message.mailbox) else {
            return .skipped(draft: draft.id, reason: "mailbox \(message.mailbox) is no longer configured")
        }
        guard let smtp = mailbox.smtp else {
            return .skipped(draft: draft.id, reason: "mailbox \(mailbox.name) has no [smtp] settings: nothing can be sent")
        }
        // A paused mailbox sends nothing: the reply waits, approved, until `tact resume`.
        if let pause = try self.store.pause(holding: message.mailbox) {
            return .skipped(draft: draft.id, reason: "mailbox \(message.mailbox) is paused (by \(pause.actor)); `tact resume` lets it go")
        }
        // 1. Staleness.
        let stale: String?
        do {
            stale = try await self.staleReason(draft, of: stored, mailbox: mailbox, sessions: sessions)
        } catch let error as TransportError {
            return .retryLater(draft: draft.id, reason: "cannot check on \(mailbox.name)'s IMAP server whether a colleague has answered: \(error)")
        }
        if let reason = stale {
            try self.store.transition(draft: draft.id, from: .approved, to: .superseded, actor: "outbox", reason: reason)
            return .superseded(draft: draft.id, reason: reason)
        }
        guard let recipient = draft.draft.recipient, draft.draft.replyMessageID != nil else {
            let reason = "the draft has no recipient recorded; reply from a mail client"
            try self.store.transition(draft: draft.id, from: .approved, to: .failed, actor: "outbox", reason: reason)
            return .failed(draft: draft.id, reason: reason)
        }
        let hours = self.configuration.drafting.businessHours
        let target = self.configuration.drafting.targets[message.category ?? ""] ?? .businessDays(1)
        var revision: DraftRevision?
        switch try PromiseRenewal.renew(
            body: draft.draft.body, promisedBy: draft.draft.promisedBy, hours: hours, target: target, arrival: message.receivedAt,
            now: now)
        {
        case .current:
            break
        case .renewed(let body, let promisedBy):
            revision = DraftRevision(body: body, promisedBy: promisedBy)
        case .notInText(let old, let fresh, _):
            // Never send a promise already past: back to the queue, where a person edits it.
            let reason = "the reply promised an answer by \(old), which has passed, in words Tact cannot update: "
                + "edit it to promise \(fresh) (`tact queue edit \(draft.id)`) and approve it again"
            try self.store.transition(draft: draft.id, from: .approved, to: .queued, actor: "outbox", reason: reason)
            return .requeued(draft: draft.id, reason: reason)
        }
        // 2. Committed as sending, durably, before a byte goes out.
        let sending = try self.store.transition(
            draft: draft.id, from: .approved, to: .sending, actor: "outbox", reason: nil, revision: revision)
        // 3. Compose and send.
        let composed: Data
        let envelope: SMTPEnvelope
        do {
            // The same composition as the copy filed in the Drafts folder (mode `drafts-folder`).
            composed = try StoredReply.compose(sending, mailbox: mailbox, date: now)
            envelope = try SMTPEnvelope(sender: mailbox.replyEnvelopeSender ?? smtp.envelopeSender, recipients: [recipient])
        } catch {
            let reason = "cannot build the message: \(error)"
            try self.store.transition(draft: draft.id, from: .sending, to: .failed, actor: "outbox", reason: reason)
            return .failed(draft: draft.id, reason: reason)
        }
        let client = SMTPClient(endpoint: smtp.endpoint, credentials: smtp.credentials)
        let bytes = composed
        let outcome: Swift.Result<SMTPReceipt, SMTPFailure> = await offPool {
            do throws(SMTPFailure) {
                return .success(try client.send(bytes, envelope: envelope))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let receipt):
            let reply = "\(receipt.replyCode) \(receipt.replyText)"
            // 5. The server steps are recorded in the same commit as `sent`, and done at the end of the pass.
            let steps: [PostSendStepKind] = (mailbox.sentFolder == nil ? [] : [.appendToSent]) + [.flagAnswered]
            try self.store.markSent(draft: draft.id, reply: reply, copy: composed, steps: steps, actor: "outbox")
            return .sent(draft: draft.id, reply: reply)
        case .failure(let failure):
            let reason = failure.description
            if failure.dataMayHaveBeenAccepted {
                try self.store.transition(draft: draft.id, from: .sending, to: .outcomeUnknown, actor: "outbox", reason: reason)
                return .outcomeUnknown(draft: draft.id, reason: reason)
            }
            if failure.isTransient {
                // Certain the data never reached the server: safe to try again later.
                try self.store.transition(
                    draft: draft.id, from: .sending, to: .approved, actor: "outbox", reason: "will retry: \(reason)")
                return .retryLater(draft: draft.id, reason: reason)
            }
            try self.store.transition(draft: draft.id, from: .sending, to: .failed, actor: "outbox", reason: reason)
            return .failed(draft: draft.id, reason: reason)
        }
    }

    // MARK: - After sending

    /// Does every pending server step once. A failure is recorded (audit log) and left pending.
    private func finishPostSendSteps(sessions: Sessions, now: Date) async throws {
        for step in try self.store.pendingPostSendSteps() {
            // Another outbox process (the service and a `tact run --once`) may be on it already.
            guard try self.store.claimPostSendStep(draft: step.draftID, kind: step.kind, for: Self.stepClaimSeconds, now: now) else {
                continue
            }
            let detail: String
            do {
                detail = try await self.perform(step, sessions: sessions)
            } catch let error as TransportError {
                try self.store.finishPostSendStep(
                    draft: step.draftID, kind: step.kind, error: "\(error)", detail: nil, actor: "outbox")
                continue
            } catch let error as StepProblem {
                try self.store.finishPostSendStep(
                    draft: step.draftID, kind: step.kind, error: error.message, detail: nil, actor: "outbox")
                continue
            }
            try self.afterServerStep?(step.kind)
            try self.store.finishPostSendStep(draft: step.draftID, kind: step.kind, error: nil, detail: detail, actor: "outbox")
        }
    }

    /// How long one process holds a server step: after a crash, the step is replayed once this ran out.
    static let stepClaimSeconds: TimeInterval = 300

    /// A post-send step that cannot be done now, in words for the audit log.
    private struct StepProblem: Error {
        let message: String
    }

    /// Does one server step; returns what was done, for the audit log.
    private func perform(_ step: PostSendStep, sessions: Sessions) async throws -> String {
        guard let draft = try self.store.draft(id: step.draftID), let stored = try self.store.message(rowID: draft.messageRowID)
        else { return "nothing to do: the draft or its message is gone" }
        guard let mailbox = self.configuration.mailbox(named: stored.message.mailbox) else {
            throw StepProblem(message: "mailbox \(stored.message.mailbox) is no longer configured: add it back, or the step stays pending")
        }
        let session = sessions.session(for: mailbox)
        switch step.kind {
        case .appendToSent:
            guard let folder = mailbox.sentFolder else { return "not copied: sent_folder is now off" }
            guard let replyID = draft.draft.replyMessageID, !step.copy.isEmpty else {
                throw StepProblem(message: "the sent copy was not kept: nothing to append")
            }
            try await Self.selectSent(folder, of: mailbox, session: session)
            // Idempotent: a copy from an earlier attempt (a crash after the APPEND) is found, not repeated.
            if let uid = try await session.search(header: "Message-ID", containing: Self.bare(replyID)).first {
                return "already in \(folder) (UID \(uid))"
            }
            let uid = try await session.append(to: folder, message: Array(step.copy), flags: ["\\Seen"])
            return "copied to \(folder)" + (uid.map { " (UID \($0))" } ?? "")
        case .flagAnswered:
            let message = stored.message
            let status = try await session.select(mailbox.folder, readOnly: false)
            var uids: [UInt32] = []
            if status.uidValidity == message.uidValidity {
                uids = [message.uid]
            } else if let id = message.messageID.map(Self.bare), !id.isEmpty {
                uids = try await session.search(header: "Message-ID", containing: id)
            }
            // Only what is still there: a UID STORE on a vanished message silently does nothing.
            let present = try await session.flags(uids: uids).keys.sorted()
            guard !present.isEmpty else { return "not flagged: the original is no longer in \(mailbox.folder)" }
            try await session.store(uids: present, add: ["\\Answered"])
            return "the original (\(mailbox.folder) UID \(present.map(String.init).joined(separator: ","))) flagged \\Answered"
        }
    }
}

/// The IMAP sessions of one outbox pass, opened on first use, one per mailbox.
final class Sessions: @unchecked Sendable {
    // Used by one pass, one call at a time.
    private let open: @Sendable (MailboxConfiguration) -> IMAPSession
    private var sessions: [String: IMAPSession] = [:]

    init(open: @escaping @Sendable (MailboxConfiguration) -> IMAPSession) {
        self.open = open
    }

    func session(for mailbox: MailboxConfiguration) -> IMAPSession {
        if let session = self.sessions[mailbox.name] { return session }
        let session = self.open(mailbox)
        self.sessions[mailbox.name] = session
        return session
    }

    func closeAll() async {
        for session in self.sessions.values { await session.close() }
        self.sessions = [:]
    }
}

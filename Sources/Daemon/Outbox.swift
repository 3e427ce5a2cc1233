import Configuration
import Drafting
import Foundation
import MailTransport
import Store

/// Sends approved replies **at most once, and never silently lost**.
///
/// The mechanism, in order, for each approved draft:
/// 1. Stale drafts never go out: if the customer has written again since the draft was made, it
///    becomes `superseded`. A promise already past is renewed from now (the approval's renewal
///    may itself be old by the time the outbox runs).
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
public struct Outbox: Sendable {
    public let store: any MessageStore
    public let configuration: TactConfiguration

    public init(store: any MessageStore, configuration: TactConfiguration) {
        self.store = store
        self.configuration = configuration
    }

    public enum Result: Sendable, Equatable {
        case sent(draft: Int64, reply: String)
        case superseded(draft: Int64, reason: String)
        case retryLater(draft: Int64, reason: String)
        case failed(draft: Int64, reason: String)
        case outcomeUnknown(draft: Int64, reason: String)
        case skipped(draft: Int64, reason: String)
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

    /// One pass over the approved drafts.
    public func sendApproved(now: @Sendable () -> Date = { Date() }) throws -> [Result] {
        try self.recoverInterrupted()
        var results: [Result] = []
        for draft in try self.store.drafts(in: .approved) {
            results.append(try self.send(draft, now: now()))
        }
        return results
    }

    private func send(_ draft: StoredDraft, now: Date) throws -> Result {
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
        let later = try self.store.laterMessages(inThreadOf: stored.id, after: draft.createdAt)
        if let newer = later.first {
            let reason = "the customer wrote again (message \(newer.id)) before this reply went out"
            try self.store.transition(draft: draft.id, from: .approved, to: .superseded, actor: "outbox", reason: reason)
            return .superseded(draft: draft.id, reason: reason)
        }
        guard let recipient = draft.draft.recipient, let replyID = draft.draft.replyMessageID else {
            let reason = "the draft has no recipient recorded; reply from a mail client"
            try self.store.transition(draft: draft.id, from: .approved, to: .failed, actor: "outbox", reason: reason)
            return .failed(draft: draft.id, reason: reason)
        }
        let hours = self.configuration.drafting.businessHours
        let target = self.configuration.drafting.targets[message.category ?? ""] ?? .businessDays(1)
        var revision: DraftRevision?
        if let renewed = try PromiseRenewal.renew(
            body: draft.draft.body, promisedBy: draft.draft.promisedBy, hours: hours, target: target, arrival: message.receivedAt,
            now: now)
        {
            revision = DraftRevision(body: renewed.body, promisedBy: renewed.promisedBy)
        }
        // 2. Committed as sending, durably, before a byte goes out.
        let sending = try self.store.transition(
            draft: draft.id, from: .approved, to: .sending, actor: "outbox", reason: nil, revision: revision)
        // 3. Compose and send.
        let composed: Data
        let envelope: SMTPEnvelope
        do {
            let from = try MailAddress(name: mailbox.teamName, address: mailbox.replyFrom)
            let to = try MailAddress(name: draft.draft.recipientName, address: recipient)
            composed = ReplyComposer.compose(
                from: from, to: to, subject: sending.draft.subject, body: sending.draft.body,
                incoming: IncomingAddressing(
                    from: to, replyTo: [], returnPath: nil, messageID: draft.draft.inReplyTo,
                    references: Array(draft.draft.references.dropLast())),
                messageID: replyID, date: now)
            envelope = try SMTPEnvelope(sender: smtp.envelopeSender, recipients: [recipient])
        } catch {
            let reason = "cannot build the message: \(error)"
            try self.store.transition(draft: draft.id, from: .sending, to: .failed, actor: "outbox", reason: reason)
            return .failed(draft: draft.id, reason: reason)
        }
        let client = SMTPClient(endpoint: smtp.endpoint, credentials: smtp.credentials)
        let outcome: Swift.Result<SMTPReceipt, SMTPFailure>
        do {
            outcome = .success(try client.send(composed, envelope: envelope))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let receipt):
            let reply = "\(receipt.replyCode) \(receipt.replyText)"
            try self.store.transition(draft: draft.id, from: .sending, to: .sent, actor: "outbox", reason: reply)
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
}

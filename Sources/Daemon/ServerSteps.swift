import Configuration
import Drafting
import Foundation
import MailTransport
import Store

/// Composes the message a stored draft becomes: the one the outbox sends and the copy put in the
/// Drafts folder are the same bytes but for the Date.
public enum StoredReply {
    public struct Incomplete: Error, CustomStringConvertible {
        public let description: String
    }

    public static func compose(_ draft: StoredDraft, mailbox: MailboxConfiguration, date: Date) throws -> Data {
        guard let recipient = draft.draft.recipient, let messageID = draft.draft.replyMessageID else {
            throw Incomplete(description: "draft \(draft.id) has no recipient or Message-ID recorded; reply from a mail client")
        }
        let from = try MailAddress(name: mailbox.teamName, address: mailbox.replyFrom)
        let to = try MailAddress(name: draft.draft.recipientName, address: recipient)
        return ReplyComposer.compose(
            from: from, to: to, subject: draft.draft.subject, body: draft.draft.body,
            incoming: IncomingAddressing(
                from: to, replyTo: [], returnPath: nil, messageID: draft.draft.inReplyTo,
                references: Array(draft.draft.references.dropLast())),
            messageID: messageID, date: date)
    }
}

/// Does the server steps that follow a commit (keyword the original, APPEND the draft to Drafts,
/// bring that copy in line after the draft changed) on a connection of its own, so the watching
/// connection keeps its mailbox selected.
///
/// Every step is idempotent, which is what makes replaying after a crash safe: adding a keyword
/// twice changes nothing; an APPEND first looks for a message with the draft's Message-ID in
/// the folder and skips when one is there; an update deletes every copy with that Message-ID and
/// appends the draft as it is now (or nothing, once it is sent, rejected or superseded). A step that fails stays pending and is tried again
/// after the next pass, at most `maxAttempts` times; `tact status` counts the ones given up on.
public struct ServerSteps: Sendable {
    public let mailbox: MailboxConfiguration
    public let store: any MessageStore
    public static let maxAttempts = 20

    public init(mailbox: MailboxConfiguration, store: any MessageStore) {
        self.mailbox = mailbox
        self.store = store
    }

    /// What a run did.
    public struct Report: Sendable, Equatable {
        public var done = 0
        public var failed: [String] = []
    }

    /// Runs every pending step of the mailbox. Connection failures end the run early (the steps
    /// stay pending); a step refused by the server is recorded against that step.
    public func run(now: Date = Date()) async throws -> Report {
        // The mailbox loop runs the steps after each pass and the outbox loop after a draft
        // changed: run together, both could find no copy in Drafts and both append one.
        await StepGate.shared.enter(self.mailbox.name)
        do {
            let report = try await self.runAlone(now: now)
            await StepGate.shared.leave(self.mailbox.name)
            return report
        } catch {
            await StepGate.shared.leave(self.mailbox.name)
            throw error
        }
    }

    /// Runs the steps of every `drafts-folder` mailbox that has a Drafts copy to update (after an
    /// edit, a rejection, a send): the outbox loop calls this after each of its passes, so a copy
    /// follows its draft within the outbox's interval, or at once when `tact queue` wakes the
    /// service. One failing mailbox does not stop the others.
    public static func updateDraftCopies(configuration: TactConfiguration, store: any MessageStore, now: Date = Date())
        async -> [(mailbox: String, report: Report?, error: String?)]
    {
        var results: [(mailbox: String, report: Report?, error: String?)] = []
        for mailbox in configuration.mailboxes where mailbox.mode == .draftsFolder {
            do {
                let pending = try store.pendingSteps(mailbox: mailbox.name)
                guard pending.contains(where: { if case .refreshDraft = $0.kind { $0.attempts < maxAttempts } else { false } })
                else { continue }
                results.append((mailbox.name, try await ServerSteps(mailbox: mailbox, store: store).run(now: now), nil))
            } catch {
                results.append((mailbox.name, nil, "\(error)"))
            }
        }
        return results
    }

    private func runAlone(now: Date) async throws -> Report {
        let steps = try self.store.pendingSteps(mailbox: self.mailbox.name).filter { $0.attempts < Self.maxAttempts }
        guard !steps.isEmpty else { return Report() }
        let session = IMAPSession(endpoint: self.mailbox.endpoint, credentials: self.mailbox.credentials)
        do {
            let report = try await self.run(steps, on: session, now: now)
            await session.close()
            return report
        } catch {
            await session.close()
            throw error
        }
    }

    private func run(_ steps: [ServerStep], on session: IMAPSession, now: Date) async throws -> Report {
        var report = Report()
        // Keywords first, grouped by UIDVALIDITY: one STORE for the lot.
        let keywordSteps = steps.filter { if case .keyword = $0.kind { return true } else { return false } }
        if !keywordSteps.isEmpty {
            do {
                let status = try await session.select(self.mailbox.folder, readOnly: false)
                for (keyword, group) in Dictionary(grouping: keywordSteps, by: { step -> String in
                    if case .keyword(let keyword) = step.kind { return keyword } else { return "" }
                }) {
                    let current = group.filter { $0.uidValidity == status.uidValidity }
                    try await session.store(uids: current.map(\.uid), add: [keyword])
                    for step in current { try self.store.finishStep(step.id, error: nil) }
                    // The mailbox was rebuilt: those UIDs name other messages now. Nothing to do.
                    for step in group where step.uidValidity != status.uidValidity {
                        try self.store.finishStep(step.id, error: nil)
                    }
                    report.done += group.count
                }
            } catch let error as TransportError where !error.isTransient {
                for step in keywordSteps { try self.store.finishStep(step.id, error: "\(error)") }
                report.failed.append("keyword: \(error)")
            }
        }
        for step in steps {
            let folder: String
            let refresh: Bool
            switch step.kind {
            case .keyword: continue
            case .appendDraft(let name): (folder, refresh) = (name, false)
            case .refreshDraft(let name): (folder, refresh) = (name, true)
            }
            do {
                guard let draftID = step.draftID, let draft = try self.store.draft(id: draftID),
                    let messageID = draft.draft.replyMessageID
                else {
                    try self.store.finishStep(step.id, error: nil)
                    continue
                }
                // A copy belongs in Drafts only while a person may still act on the draft: not
                // once it is being sent, sent, rejected or superseded.
                let wanted = Self.keepsACopy(draft.state)
                _ = try await session.select(folder, readOnly: !refresh)
                let existing = try await session.search(header: "Message-ID", containing: messageID)
                if refresh {
                    // Delete first, then APPEND: a crash in between leaves no copy, and the replay
                    // (which finds none) appends one; a crash after the APPEND replays into one copy.
                    try await session.delete(uids: existing)
                }
                if wanted && (refresh || existing.isEmpty) {
                    let bytes = try StoredReply.compose(draft, mailbox: self.mailbox, date: now)
                    _ = try await session.append(to: folder, message: Array(bytes), flags: ["\\Draft"])
                }
                try self.store.finishStep(step.id, error: nil)
                report.done += 1
            } catch let error as TransportError where error.isTransient {
                throw error
            } catch {
                try self.store.finishStep(step.id, error: "\(error)")
                report.failed.append("\(refresh ? "update the copy in" : "append to") \(folder): \(error)")
            }
        }
        return report
    }

    /// Whether a draft in `state` should have a copy in the Drafts folder: while it waits for a
    /// person (queued, approved, failed, outcome unknown), not once it is being sent or is done.
    static func keepsACopy(_ state: DraftState) -> Bool {
        switch state {
        case .queued, .approved, .failed, .outcomeUnknown: return true
        case .sending, .sent, .rejected, .superseded, .bounced: return false
        }
    }
}

/// One `ServerSteps` run at a time per mailbox in this process (see `ServerSteps.run`). A run
/// waiting here is handed the mailbox when the run before it leaves.
actor StepGate {
    static let shared = StepGate()
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func enter(_ mailbox: String) async {
        guard self.busy.contains(mailbox) else {
            self.busy.insert(mailbox)
            return
        }
        await withCheckedContinuation { self.waiting[mailbox, default: []].append($0) }
    }

    func leave(_ mailbox: String) {
        guard var queue = self.waiting[mailbox], !queue.isEmpty else {
            self.busy.remove(mailbox)
            return
        }
        let next = queue.removeFirst()
        self.waiting[mailbox] = queue.isEmpty ? nil : queue
        next.resume()  // the mailbox stays busy: it passes to `next`
    }
}

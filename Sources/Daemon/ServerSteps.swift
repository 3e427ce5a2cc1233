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

/// Does the server steps that follow a commit (keyword the original, APPEND the draft to Drafts)
/// on a connection of its own, so the watching connection keeps its mailbox selected.
///
/// Every step is idempotent, which is what makes replaying after a crash safe: adding a keyword
/// twice changes nothing, and an APPEND first looks for a message with the draft's Message-ID in
/// the folder and skips when one is there. A step that fails stays pending and is tried again
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
            guard case .appendDraft(let folder) = step.kind else { continue }
            do {
                guard let draftID = step.draftID, let draft = try self.store.draft(id: draftID),
                    let messageID = draft.draft.replyMessageID
                else {
                    try self.store.finishStep(step.id, error: nil)
                    continue
                }
                _ = try await session.select(folder, readOnly: true)
                let existing = try await session.search(header: "Message-ID", containing: messageID)
                if existing.isEmpty {
                    let bytes = try StoredReply.compose(draft, mailbox: self.mailbox, date: now)
                    _ = try await session.append(to: folder, message: Array(bytes), flags: ["\\Draft"])
                }
                try self.store.finishStep(step.id, error: nil)
                report.done += 1
            } catch let error as TransportError where error.isTransient {
                throw error
            } catch {
                try self.store.finishStep(step.id, error: "\(error)")
                report.failed.append("append to \(folder): \(error)")
            }
        }
        return report
    }
}

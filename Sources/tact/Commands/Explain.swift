import ArgumentParser
import Foundation
import Store

/// Where the store is: `--store PATH`, else `$STATE_DIRECTORY/tact.sqlite` (systemd's StateDirectory=),
/// else `/var/lib/tact/tact.sqlite`.
struct StoreLocation: ParsableArguments {
    @Option(name: .customLong("store"), help: "The Tact database (default: $STATE_DIRECTORY/tact.sqlite, else /var/lib/tact/tact.sqlite).")
    var path: String?

    init() {}

    init(path: String?) { self.path = path }

    func resolve() -> String {
        if let path { return path }
        if let state = ProcessInfo.processInfo.environment["STATE_DIRECTORY"], !state.isEmpty {
            return (state.split(separator: ":").first.map(String.init) ?? state) + "/tact.sqlite"
        }
        return "/var/lib/tact/tact.sqlite"
    }

    /// Opens an existing store; a missing file is a usage error, not a new empty database.
    func open() throws -> SQLiteStore {
        let path = self.resolve()
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("there is no Tact database at \(path): pass --store, or run `tact run` first")
        }
        do {
            return try SQLiteStore(path: path)
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// `tact explain ID|MESSAGE-ID`: what happened to one message and why.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain what Tact did with a message, and why.",
        discussion: """
            Give the number `tact queue list` and `tact status` show, or the message's Message-ID (with or \
            without angle brackets). Prints whether it was suppressed and for what reason, or which template \
            drafted it with what confidence and findings, the steps on the mail server (a keyword on the \
            original, a copy in Drafts or Sent, the \\Answered flag) with whether each is done, and every \
            change since, with who made it.
            """)

    @Argument(help: "The message's number in Tact, or its Message-ID.") var identifier: String
    @OptionGroup var store: StoreLocation

    func run() throws {
        let store = try self.store.open()
        var messages: [StoredMessage] = []
        if let row = Int64(self.identifier), let message = try store.message(rowID: row) {
            messages = [message]
        } else {
            let bare = self.identifier.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
            messages = try store.messages(withMessageID: bare) + store.messages(withMessageID: "<\(bare)>")
        }
        guard !messages.isEmpty else {
            throw CLIError("no message \(self.identifier) in \(self.store.resolve()): check the number with `tact queue list` or the Message-ID")
        }
        for stored in messages {
            print(try Self.explanation(of: stored, in: store))
        }
    }

    static func explanation(of stored: StoredMessage, in store: SQLiteStore) throws -> String {
        let message = stored.message
        var lines = [
            "message \(stored.id): \(message.messageID.map { "<\($0.trimmingCharacters(in: CharacterSet(charactersIn: "<>")))>" } ?? "(no Message-ID)")",
            "  from \(message.sender ?? "(unknown)"), subject \"\(message.subject ?? "")\"",
            "  found in \(message.mailbox), UIDVALIDITY \(message.uidValidity), UID \(message.uid), arrived \(Self.format(message.receivedAt))",
        ]
        switch message.outcome {
        case .suppressed:
            lines.append("  not answered: machine mail (\(message.reason ?? "no reason recorded")). Tact never answers it.")
        case .rateLimited:
            lines.append("  not answered: \(message.reason ?? "rate limit"). A person can still reply from their mail client.")
        case .attached:
            lines.append("  not answered again: \(message.reason ?? "follow-up"); it belongs to an item already in the queue.")
        case .skipped:
            lines.append("  not answered: \(message.reason ?? "skipped").")
        case .unreadable:
            lines.append("  not answered: \(message.reason ?? "unreadable"). It needs a person.")
        case .drafted:
            let confidence = message.confidence.map { String(format: "%.2f", $0) } ?? "?"
            lines.append("  drafted as \(message.category ?? "?") (confidence \(confidence))\(message.reason.map { ", \($0)" } ?? "")")
        }
        let steps = try store.serverSteps(messageRowID: stored.id)
        if !steps.isEmpty {
            lines.append("  on the mail server:")
            lines += steps.map { "    " + Self.describe($0) }
        }
        for draft in try store.drafts(messageRowID: stored.id) {
            lines.append("  draft \(draft.id): template \(draft.draft.template), now \(draft.state.rawValue)"
                + (draft.stateReason.map { " (\($0))" } ?? ""))
            if let promised = draft.draft.promisedBy { lines.append("    promises an answer by \(Self.format(promised))") }
            let findings = (try? JSONSerialization.jsonObject(with: Data(draft.draft.findingsJSON.utf8))) as? [[String: Any]] ?? []
            lines.append("    \(findings.count) courtesy finding(s)")
            for finding in findings {
                lines.append("      \(finding["line"] ?? "?"):\(finding["column"] ?? "?") \(finding["severity"] ?? "") \(finding["rule"] ?? ""): \(finding["message"] ?? "")")
            }
            let afterSending = try store.postSendSteps(draftID: draft.id)
            if !afterSending.isEmpty {
                lines.append("    after sending:")
                lines += afterSending.map { "      " + Self.describe($0) }
            }
        }
        lines.append("  history:")
        for entry in try store.auditTrail(messageRowID: stored.id) {
            lines.append("    \(Self.format(entry.at))  \(entry.actor): \(entry.action)\(entry.detail.map { " (\($0))" } ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    /// "keyword $TactQueued: done", "append to Drafts: pending, 2 failed attempts (last: …)".
    static func describe(_ step: SQLiteStore.StepStatus) -> String {
        if step.done { return "\(step.what): done" }
        guard step.attempts > 0 else { return "\(step.what): pending (the next pass does it)" }
        return "\(step.what): pending, \(step.attempts) failed attempt\(step.attempts == 1 ? "" : "s")"
            + (step.lastError.map { " (last: \($0))" } ?? "") + "; retried on every pass"
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
        return formatter.string(from: date)
    }
}

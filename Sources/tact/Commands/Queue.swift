import ArgumentParser
import Configuration
import Courtesy
import Daemon
import Drafting
import Foundation
import Store

#if canImport(Glibc)
import Glibc
#endif

/// `tact queue …`: the drafts waiting for people.
struct Queue: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show, approve and reject queued drafts.",
        subcommands: [List.self, Show.self, Edit.self, Approve.self, Reject.self, Recategorize.self, Retry.self])

    /// The store, from `--store`, else the configuration's `[daemon] state_dir`.
    struct Location: ParsableArguments {
        @Option(name: .customLong("config"), help: "The configuration file (default: $TACT_CONFIG, /etc/tact/tact.toml, ./config/tact.toml).")
        var configFile: String?
        @Option(name: .customLong("store"), help: "The database (default: from the configuration's [daemon] state_dir).")
        var storePath: String?

        func open() throws -> SQLiteStore {
            var path = self.storePath
            if path == nil { path = try loadConfiguration(self.configFile).daemon.storePath }
            return try StoreLocation(path: path).open()
        }
    }

    /// Who is acting: `--as NAME`, default the login name. Recorded in the audit log.
    struct Actor: ParsableArguments {
        @Option(name: .customLong("as"), help: "Your name in the audit log (default: your login name).")
        var name: String?

        var resolved: String {
            if let name, !name.trimmingCharacters(in: .whitespaces).isEmpty { return name }
            let environment = ProcessInfo.processInfo.environment
            return environment["SUDO_USER"] ?? environment["USER"] ?? environment["LOGNAME"] ?? ProcessInfo.processInfo.userName
        }
    }

    static func findings(of draft: StoredDraft) -> [Finding] {
        (try? JSONDecoder().decode([Finding].self, from: Data(draft.draft.findingsJSON.utf8))) ?? []
    }

    /// "ok", or e.g. "1E 2W": the findings by severity.
    static func lintSummary(_ findings: [Finding]) -> String {
        let parts = [Severity.error, .warning, .suggestion].compactMap { severity -> String? in
            let count = findings.filter { $0.severity == severity }.count
            return count == 0 ? nil : "\(count)\(severity.rawValue.prefix(1).uppercased())"
        }
        return parts.isEmpty ? "ok" : parts.joined(separator: " ")
    }

    /// Colours only on a terminal, and never when NO_COLOR is set.
    static let useColour: Bool = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        && ProcessInfo.processInfo.environment["TERM"] != "dumb"

    static func paint(_ text: String, _ code: String) -> String {
        Self.useColour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    static func fit(_ text: String, _ width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        if flat.count <= width { return flat.padding(toLength: width, withPad: " ", startingAt: 0) }
        return String(flat.prefix(width - 1)) + "…"
    }

    static func age(_ date: Date, now: Date) -> String {
        let minutes = Int(now.timeIntervalSince(date) / 60)
        if minutes < 60 { return "\(max(0, minutes))m" }
        if minutes < 48 * 60 { return "\(minutes / 60)h" }
        return "\(minutes / 1440)d"
    }


    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per draft: id, age, customer, category, subject, findings, promised time.")
        @OptionGroup var location: Location
        @Option(help: "Only drafts in this state (queued, approved, sending, sent, rejected, superseded, failed, outcome-unknown, bounced). Default: queued.")
        var state: String = "queued"
        @Flag(help: "Print JSON.") var json = false
        @Option(help: "At most this many drafts, oldest first (0: all).") var limit = 100

        func run() throws {
            guard let state = DraftState(rawValue: self.state) else {
                throw CLIError("--state \(self.state) is not a state: use one of \(DraftState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard self.limit >= 0 else { throw CLIError("--limit \(self.limit) is negative: give a count, or 0 for all") }
            let store = try self.location.open()
            let now = Date()
            var rows: [[String: String]] = []
            // One query for the lines shown (not every draft with its message), so a queue of
            // 100,000 lists in milliseconds.
            let (lines, total) = try store.queueLines(in: state, limit: self.limit == 0 ? nil : self.limit)
            let decoder = JSONDecoder()
            // One formatter for the page ("Tue 24 10:00"), not one per line.
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_GB_POSIX")
            formatter.dateFormat = "EEE d HH:mm"
            for line in lines {
                let findings = (try? decoder.decode([Finding].self, from: Data(line.findingsJSON.utf8))) ?? []
                rows.append([
                    "id": String(line.id), "age": Queue.age(line.createdAt, now: now),
                    "customer": line.customer ?? "(unknown)",
                    "category": line.category ?? "?", "subject": line.subject ?? "",
                    "findings": Queue.lintSummary(findings),
                    "promised_by": line.promisedBy.map(formatter.string(from:)) ?? "-",
                ])
            }
            if self.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
                return
            }
            guard !rows.isEmpty else {
                print("no \(state.rawValue) drafts")
                return
            }
            // 5 + 4 + 15 + 12 + 20 + 5 + 12 columns and 6 spaces: 79, for an 80-column terminal.
            print(Queue.paint("ID    AGE  CUSTOMER        CATEGORY     SUBJECT              FIND  PROMISED", "1"))
            for row in rows {
                let findings = row["findings"]!
                let painted = findings == "ok" ? Queue.fit(findings, 5) : Queue.paint(Queue.fit(findings, 5), findings.contains("E") ? "31" : "33")
                print(Queue.fit(row["id"]!, 5) + " " + Queue.fit(row["age"]!, 4) + " " + Queue.fit(row["customer"]!, 15) + " "
                    + Queue.fit(row["category"]!, 12) + " " + Queue.fit(row["subject"]!, 20) + " " + painted + " "
                    + row["promised_by"]!)
            }
            if total > rows.count {
                print("… \(total - rows.count) more \(state.rawValue) drafts: `--limit 0` lists them all")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The customer's words, the draft, and each finding with its place and suggestion.")
        @OptionGroup var location: Location
        @Argument(help: "The draft's id (from `tact queue list`).") var id: Int64

        func run() throws {
            let store = try self.location.open()
            guard let draft = try store.draft(id: self.id) else {
                throw CLIError("there is no draft \(self.id): `tact queue list` shows the ids")
            }
            try Queue.printDraft(draft, from: store)
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a queued draft for sending.",
            discussion: """
                Refused while the draft has error-level findings, unless --force with a --reason. A promised time \
                already past is renewed in the text; if the text says it in other words (edited by hand, or the \
                business hours' time zone changed), approval is refused until the draft is edited, or forced.
                """)
        @OptionGroup var location: Location
        @OptionGroup var actor: Actor
        @Argument(help: "The draft's id.") var id: Int64
        @Flag(help: "Approve despite error-level findings or a past promise Tact cannot update (needs --reason).") var force = false
        @Option(help: "Why (required with --force).") var reason: String?

        func run() throws {
            if self.force && (self.reason?.trimmingCharacters(in: .whitespaces).isEmpty ?? true) {
                throw CLIError("--force needs --reason TEXT: say why the findings (or the past promise) do not matter here")
            }
            let store = try self.location.open()
            guard let draft = try store.draft(id: self.id) else {
                throw CLIError("there is no draft \(self.id): `tact queue list` shows the ids")
            }
            try Queue.reporting {
                try Queue.approve(
                    draft, in: store, actor: self.actor.resolved, forcedBecause: self.force ? self.reason : nil,
                    note: self.reason, configFile: self.location.configFile)
            }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a draft: it is never sent.")
        @OptionGroup var location: Location
        @OptionGroup var actor: Actor
        @Argument(help: "The draft's id.") var id: Int64
        @Option(help: "Why (required).") var reason: String

        func run() throws {
            guard !self.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CLIError("--reason needs some text: say why the draft is rejected")
            }
            let store = try self.location.open()
            guard let draft = try store.draft(id: self.id) else {
                throw CLIError("there is no draft \(self.id): `tact queue list` shows the ids")
            }
            // From whatever state it is in: an approved reply can still be stopped before it is sent.
            try Queue.reporting {
                try Queue.reject(self.id, from: draft.state, in: store, actor: self.actor.resolved, reason: self.reason)
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a failed reply again (it goes back to approved; the outbox sends it on its next pass).",
            discussion: """
                For `failed` replies, and for `outcome-unknown` ones: Tact never resends those by itself, because \
                the server may already have the message. Check the customer's thread (or the Sent folder) first: \
                a retry of an outcome-unknown reply may reach them twice.
                """)
        @OptionGroup var location: Location
        @OptionGroup var actor: Actor
        @Argument(help: "The draft's id.") var id: Int64

        func run() throws {
            let store = try self.location.open()
            guard let draft = try store.draft(id: self.id) else {
                throw CLIError("there is no draft \(self.id): `tact queue list --state failed` shows the ids")
            }
            guard draft.state == .failed || draft.state == .outcomeUnknown else {
                print("not changed: draft \(self.id) is \(draft.state.rawValue); only failed or outcome-unknown replies are retried")
                throw ExitCode(1)
            }
            if draft.state == .outcomeUnknown {
                print("warning: the server may already have this reply; the customer may get it twice")
            }
            try Queue.reporting {
                try Queue.move(store, self.id, from: draft.state, to: .approved, actor: self.actor.resolved, reason: "retry")
            }
            print("draft \(self.id) will be sent again on the outbox's next pass")
            Queue.wakeOutbox(store)
        }
    }

}

/// Nothing was changed, for a reason the reviewer can act on (a lost race, error-level findings, a
/// failed editor). One-shot commands print it and exit 1; `tact review` prints it and goes on.
struct NotChanged: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The pieces `tact queue show/approve/reject/edit` and `tact review` share.
extension Queue {
    /// Runs one queue action: a refusal is printed and becomes exit status 1.
    static func reporting(_ action: () throws -> Void) throws {
        do {
            try action()
        } catch let refusal as NotChanged {
            print(refusal.description)
            throw ExitCode(1)
        }
    }

    /// Tells a running `tact run` that a draft changed: an approved reply goes out now rather than
    /// on the outbox's next timed pass, and a copy in a Drafts folder is updated or removed now.
    /// Nothing happens when no daemon runs (`tact run --once` does both).
    static func wakeOutbox(_ store: SQLiteStore) {
        ServiceLock.wakeOutbox(stateDirectory: URL(fileURLWithPath: store.path).deletingLastPathComponent().path)
    }

    /// One state change; a lost race names who won ("draft 12 was already approved by sam").
    static func move(
        _ store: SQLiteStore, _ id: Int64, from: DraftState, to: DraftState, actor: String, reason: String?,
        revision: DraftRevision? = nil
    ) throws {
        do {
            try store.transition(draft: id, from: from, to: to, actor: actor, reason: reason, revision: revision)
        } catch let error as StoreError where error.kind == .conflict {
            throw NotChanged(error.description)
        } catch let error as StoreError where error.kind == .invalidTransition {
            throw NotChanged("not changed: draft \(id): \(error.description)")
        }
    }

    /// "draft 12 was already approved by sam", from the audit log, for a draft that is no longer queued.
    static func alreadyHandled(_ draft: StoredDraft, in store: SQLiteStore) -> String {
        let last = (try? store.auditTrail(messageRowID: draft.messageRowID))?.last { $0.draftID == draft.id }
        guard let last else { return "draft \(draft.id) is already \(draft.state.rawValue)" }
        if last.action == draft.state.rawValue { return "draft \(draft.id) was already \(draft.state.rawValue) by \(last.actor)" }
        return "draft \(draft.id) is already \(draft.state.rawValue) (last changed by \(last.actor))"
    }

    static func errorFindings(of draft: StoredDraft) -> [Finding] {
        Queue.findings(of: draft).filter { $0.severity == .error }
    }

    /// What `tact queue show` prints: the customer's words first (quoted lines dimmed), the draft,
    /// and each finding with line:column, the matched text and the suggestion.
    static func printDraft(_ draft: StoredDraft, from store: SQLiteStore) throws {
        let message = try store.message(rowID: draft.messageRowID)?.message
        let confidence = message?.confidence.map { String(format: "%.2f", $0) } ?? "?"
        print(Queue.paint("draft \(draft.id) — \(draft.state.rawValue)", "1") + ", template \(draft.draft.template), "
            + "\(message?.category ?? "?") (confidence \(confidence))")
        print("from:      \(message?.senderName.map { "\($0) <\(message?.sender ?? "")>" } ?? message?.sender ?? "(unknown)")")
        print("subject:   \(message?.subject ?? "")")
        if let promised = draft.draft.promisedBy { print("promised:  \(Explain.format(promised))") }
        print("\n" + Queue.paint("The customer wrote:", "1"))
        if let text = message?.customerText, !text.isEmpty {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                print(line.hasPrefix(">") ? Queue.paint(String(line), "2") : String(line))
            }
        } else {
            print(message?.customerText == nil ? "(not recorded)" : "(no words of their own)")
        }
        print("\n" + Queue.paint("The draft:", "1"))
        print("Subject: \(draft.draft.subject)\n")
        print(draft.draft.body, terminator: draft.draft.body.hasSuffix("\n") ? "" : "\n")
        print("\n" + Queue.paint("Courtesy findings:", "1"))
        print(LintReport.readable(Queue.findings(of: draft), draft: draft.draft.body), terminator: "")
    }

    /// Approves a queued draft. Refused (`NotChanged`) while error-level findings remain, unless
    /// `forcedBecause` gives the reviewer's reason; a promise already past is renewed from now, in
    /// the same commit as the approval.
    static func approve(
        _ draft: StoredDraft, in store: SQLiteStore, actor: String, forcedBecause forceReason: String?, note: String? = nil,
        configFile: String?
    ) throws {
        let errors = Queue.errorFindings(of: draft)
        if !errors.isEmpty && forceReason == nil {
            throw NotChanged("""
                draft \(draft.id) has \(errors.count) error-level finding(s): \(errors.map(\.rule).joined(separator: ", ")).
                Fix it with `tact queue show \(draft.id)` and edit, or approve anyway with --force --reason TEXT.
                """)
        }
        var reason = note
        if let forceReason { reason = errors.isEmpty ? forceReason : "forced past \(errors.map(\.rule).joined(separator: ", ")): \(forceReason)" }
        var revision: DraftRevision?
        if let configuration = try? TactConfiguration.load(explicitPath: configFile, environment: ProcessInfo.processInfo.environment)
            .configuration,
            let message = try store.message(rowID: draft.messageRowID)?.message
        {
            let target = configuration.drafting.targets[message.category ?? ""] ?? .businessDays(1)
            switch try PromiseRenewal.renew(
                body: draft.draft.body, promisedBy: draft.draft.promisedBy, hours: configuration.drafting.businessHours,
                target: target, arrival: message.receivedAt, now: Date())
            {
            case .current:
                break
            case .renewed(let body, let promisedBy):
                revision = DraftRevision(body: body, promisedBy: promisedBy)
                print("the promised time had passed: the reply now promises \(configuration.drafting.businessHours.format(promisedBy))")
            case .notInText(let old, let fresh, let promisedBy):
                // A reply must not promise a time already past, and Tact cannot find the words to
                // change: a person does it (or says, with --force, that the text is right as it is).
                guard let forceReason else {
                    throw NotChanged("""
                        draft \(draft.id) promised an answer by \(old), which has passed, and its text does not say that time in words Tact can update (it was edited, or the business hours' time zone changed).
                        Edit it to promise \(fresh) (`tact queue edit \(draft.id)`), then approve it again; or approve anyway with --force --reason TEXT if the text promises nothing past.
                        """)
                }
                revision = DraftRevision(body: draft.draft.body, promisedBy: promisedBy)
                reason = "\(reason ?? forceReason); its text was left as written, the promise recorded is \(fresh)"
                print("the promised time had passed; the text was left as written (--force): check that it promises nothing past")
            }
        }
        // From `queued` only: if someone else moved it since we looked, the store says who.
        try Queue.move(store, draft.id, from: .queued, to: .approved, actor: actor, reason: reason, revision: revision)
        print("draft \(draft.id) approved by \(actor)")
        Queue.wakeOutbox(store)
    }

    static func reject(_ id: Int64, from state: DraftState, in store: SQLiteStore, actor: String, reason: String) throws {
        try Queue.move(store, id, from: state, to: .rejected, actor: actor, reason: reason)
        print("draft \(id) rejected by \(actor)")
        Queue.wakeOutbox(store)
    }
}

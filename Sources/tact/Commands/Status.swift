import ArgumentParser
import Configuration
import Daemon
import Foundation
import Store

/// `tact status`: how each mailbox and the queue are doing.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each mailbox's last check and error, the queue by state, and overdue promises.",
        discussion: """
            --check exits 1 when something needs attention (a mailbox never checked or failing, a draft whose \
            promised time has passed), for monitoring; 0 otherwise.
            """)

    @Option(name: .customLong("config"), help: "The configuration file (default: $TACT_CONFIG, /etc/tact/tact.toml, ./config/tact.toml).")
    var configFile: String?
    @Option(name: .customLong("store"), help: "The database (default: from the configuration's [daemon] state_dir).")
    var storePath: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Exit 1 when something needs attention.") var check = false

    struct MailboxReport: Encodable {
        let name: String
        let lastCheck: String?
        let lastError: String?
        let outcomes: [String: Int]
        let paused: String?
        let failingServerSteps: Int
        enum CodingKeys: String, CodingKey {
            case name, outcomes, paused
            case lastCheck = "last_check"
            case lastError = "last_error"
            case failingServerSteps = "failing_server_steps"
        }
    }

    struct Overdue: Encodable {
        let draft: Int64
        let state: String
        let promisedBy: String
        enum CodingKeys: String, CodingKey {
            case draft, state
            case promisedBy = "promised_by"
        }
    }

    struct Report: Encodable {
        /// The pid of the running `tact run`, if one runs on this state folder.
        let daemon: Int32?
        let mailboxes: [MailboxReport]
        let drafts: [String: Int]
        let overdue: [Overdue]
        let attention: [String]
    }

    func run() throws {
        let configuration = try loadConfiguration(self.configFile)
        let path = self.storePath ?? configuration.daemon.storePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("there is no Tact database at \(path): run `tact run --once` first, or pass --store")
        }
        let store: SQLiteStore
        do { store = try SQLiteStore(path: path) } catch { throw CLIError("\(error)") }
        let now = Date()
        var attention: [String] = []
        var mailboxes: [MailboxReport] = []
        for mailbox in configuration.mailboxes {
            let state = try store.mailboxState(mailbox.name)
            if state?.lastCheckAt == nil { attention.append("\(mailbox.name): never checked") }
            if let error = state?.lastError { attention.append("\(mailbox.name): \(error)") }
            let pause = try store.pause(holding: mailbox.name).map { pause in
                "since \(Explain.format(pause.since)) by \(pause.actor)" + (pause.reason.map { ": \($0)" } ?? "")
            }
            let failingSteps = try store.pendingSteps(mailbox: mailbox.name).filter { $0.attempts >= ServerSteps.maxAttempts }.count
            if failingSteps > 0 {
                attention.append("\(mailbox.name): \(failingSteps) server step(s) (keyword or Drafts copy) failed \(ServerSteps.maxAttempts) times; `tact explain` shows why")
            }
            mailboxes.append(MailboxReport(
                name: mailbox.name, lastCheck: state?.lastCheckAt.map(Explain.format), lastError: state?.lastError,
                outcomes: Dictionary(uniqueKeysWithValues: try store.outcomeCounts(mailbox: mailbox.name).map { ($0.key.rawValue, $0.value) }),
                paused: pause, failingServerSteps: failingSteps))
        }
        var overdue: [Overdue] = []
        // Only the overdue drafts are read (not the whole queue).
        for draft in try store.overdueDrafts(before: now) {
            overdue.append(Overdue(draft: draft.id, state: draft.state.rawValue, promisedBy: Explain.format(draft.promisedBy)))
        }
        if !overdue.isEmpty { attention.append("\(overdue.count) draft(s) past their promised time") }
        let counts = try store.draftCounts()
        for state in [DraftState.failed, .outcomeUnknown] {
            if let count = counts[state], count > 0 {
                attention.append("\(count) repl(ies) \(state.rawValue): `tact queue list --state \(state.rawValue)`")
            }
        }
        let daemon = ServiceLock.runningPID(stateDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        let report = Report(
            daemon: daemon,
            mailboxes: mailboxes,
            drafts: Dictionary(uniqueKeysWithValues: try store.draftCounts().map { ($0.key.rawValue, $0.value) }),
            overdue: overdue, attention: attention)
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.daemon.map { "tact run: running (pid \($0))" } ?? "tact run: not running")
            for mailbox in report.mailboxes {
                print("\(mailbox.name): last check \(mailbox.lastCheck ?? "never")"
                    + (mailbox.lastError.map { ", last error: \($0)" } ?? ""))
                if let paused = mailbox.paused { print("  paused \(paused): mail is queued, nothing is sent by itself") }
                let outcomes = mailbox.outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
                print("  messages: \(outcomes.isEmpty ? "none yet" : outcomes.joined(separator: ", "))")
            }
            let drafts = report.drafts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            print("drafts: \(drafts.isEmpty ? "none" : drafts.joined(separator: ", "))")
            for item in report.overdue { print("  overdue: draft \(item.draft) (\(item.state)) promised by \(item.promisedBy)") }
            print(attention.isEmpty ? "all well" : "needs attention:\n" + attention.map { "  - \($0)" }.joined(separator: "\n"))
        }
        if self.check && !attention.isEmpty { throw ExitCode(1) }
    }
}

import Courtesy
import Drafting
import Foundation
import MailTransport
import TOMLKit

/// Tact's settings, read from one TOML file (`config/tact.toml` documents every key).
/// Holds no secrets: only where to read them (files, systemd credentials), at every connect.
public struct TactConfiguration: Sendable, Equatable {
    /// Where the configuration came from (a file path), for messages and `tact config check`.
    public var source: String
    /// How replies are drafted: templates, rule pack, business hours, response targets (`[drafting]`).
    public var drafting: DraftingConfiguration
    /// The service's own settings: where its state lives, rate limits, polling (`[daemon]`).
    public var daemon: DaemonConfiguration
    /// The mailboxes to watch, in file order; names are unique.
    public var mailboxes: [MailboxConfiguration]

    public init(
        source: String, mailboxes: [MailboxConfiguration], drafting: DraftingConfiguration = DraftingConfiguration(),
        daemon: DaemonConfiguration = DaemonConfiguration()
    ) {
        self.source = source
        self.mailboxes = mailboxes
        self.drafting = drafting
        self.daemon = daemon
    }

    /// The mailbox called `name`, or the first one when `name` is nil.
    public func mailbox(named name: String?) -> MailboxConfiguration? {
        guard let name else { return self.mailboxes.first }
        return self.mailboxes.first { $0.name == name }
    }

    /// The system-wide file, third in the lookup order.
    public static let systemPath = "/etc/tact/tact.toml"
    /// The environment variable naming a configuration file, second in the lookup order.
    public static let environmentVariable = "TACT_CONFIG"

    /// Finds, reads and validates the configuration. Lookup order: `explicitPath` (`--config`),
    /// `$TACT_CONFIG`, `/etc/tact/tact.toml`, `./config/tact.toml`. A file named explicitly
    /// (option or variable) must exist; the defaults are skipped when absent.
    ///
    /// - Parameters:
    ///   - explicitPath: the `--config` argument, if given.
    ///   - environment: the process environment (`TACT_CONFIG`, `CREDENTIALS_DIRECTORY`).
    ///   - systemPath: the system-wide file; tests point it elsewhere.
    ///   - currentDirectory: where `config/tact.toml` is looked for last.
    /// - Returns: the configuration and the path of the file it came from.
    /// - Throws: `ConfigurationError` naming the file, key path, line and fix.
    public static func load(
        explicitPath: String?, environment: [String: String], systemPath: String = Self.systemPath,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(ConfigurationError) -> (configuration: TactConfiguration, source: String) {
        let path: String
        if let explicitPath {
            path = explicitPath
        } else if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            path = fromEnvironment
        } else {
            let local = URL(fileURLWithPath: currentDirectory).appendingPathComponent("config/tact.toml").path
            guard let found = [systemPath, local].first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw ConfigurationError(
                    .fileNotFound, source: "configuration", keyPath: nil, line: nil,
                    problem: "no configuration file found (looked for \(systemPath) and \(local))",
                    fix:
                        "pass --config FILE, set \(Self.environmentVariable), "
                        + "or copy config/tact.toml to \(systemPath)"
                )
            }
            path = found
        }
        let configuration = try Self.parse(toml: Self.read(path), source: path, environment: environment)
        return (configuration, path)
    }

    private static func read(_ path: String) throws(ConfigurationError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else {
            throw ConfigurationError(
                .fileNotFound, source: path, keyPath: nil, line: nil,
                problem: "cannot read the configuration file",
                fix: "check the path (from --config or \(Self.environmentVariable)) and that the tact user may read it"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(
                .syntax, source: path, keyPath: nil, line: nil, problem: "the file is not UTF-8 text",
                fix: "save it as UTF-8")
        }
        return text
    }

    /// Parses and validates TOML text.
    ///
    /// - Parameters:
    ///   - toml: the document.
    ///   - source: where it came from, used in error messages.
    ///   - environment: used to resolve systemd credential names via `$CREDENTIALS_DIRECTORY`.
    /// - Throws: `ConfigurationError` for the first problem found.
    public static func parse(
        toml: String, source: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> TactConfiguration {
        if let found = TOMLPreflight.problem(in: toml) {
            throw ConfigurationError(
                .syntax, source: source, keyPath: nil, line: found.line,
                problem: "not valid TOML at column \(found.column): \(found.problem)",
                fix: found.kind == .tableHeader
                    ? "write [[mailbox]], [smtp], [drafting] or [daemon] (see config/tact.toml)"
                    : "write the list as [\"one\", \"two\"]: values separated by commas, closed by ']'")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                .syntax, source: source, keyPath: nil, line: error.source.begin.line,
                problem: "not valid TOML at column \(error.source.begin.column): \(error.description)",
                fix: "correct the syntax (see the comments in config/tact.toml for examples)")
        } catch {
            throw ConfigurationError(
                .syntax, source: source, keyPath: nil, line: nil, problem: "not valid TOML",
                fix: "correct the syntax")
        }
        let parser = ConfigurationParser(
            root: TableReader(table: table, path: "", source: source, locator: KeyLocator(text: toml)),
            environment: environment)
        return TactConfiguration(
            source: source, mailboxes: try parser.mailboxes(), drafting: try parser.drafting(),
            daemon: try parser.daemon())
    }
}

/// One watched mailbox: where its IMAP server is, how to log in, and how replies leave.
public struct MailboxConfiguration: Sendable, Equatable {
    /// A short unique name (letters, digits, `.`, `_`, `-`), used in logs and state.
    public var name: String
    public var endpoint: ServerEndpoint
    public var credentials: Credentials
    /// The IMAP folder watched for customer mail.
    public var folder: String
    /// The addresses this mailbox receives at; mail from them is ours and is never answered.
    public var ownAddresses: [String]
    /// Larger messages are reported, not fetched.
    public var maxMessageBytes: Int
    /// How replies are submitted: `[mailbox.smtp]`, else `[smtp]`, else nil (no sending configured).
    public var smtp: SMTPConfiguration?
    /// The person who signs this mailbox's replies; nil signs with the team's name only.
    public var agentName: String?
    /// The team's name, under the signature and as the From display name.
    public var teamName: String
    /// Extra signature lines.
    public var signature: String
    /// The address replies come from (default: the first own address).
    public var replyFrom: String
    /// What happens to a draft: queued for review, also put in the Drafts folder, or sent when sure.
    public var mode: ReplyMode = .review
    /// Keyword the original `$TactQueued` on the server when its draft is queued.
    public var markQueued = false
    /// The folder drafts are APPENDed to in mode `drafts-folder`.
    public var draftsFolder = "Drafts"
    /// In mode `auto`, a draft is sent without review only when the classifier is at least this sure
    /// and no finding is at warning level or above.
    public var autoMinConfidence = MailboxConfiguration.defaultAutoMinConfidence

    public static let defaultAutoMinConfidence = 0.85
    /// The keyword set on originals when `mark_queued` is on.
    public static let queuedKeyword = "$TactQueued"
    /// The IMAP folder a copy of each sent reply is appended to, and where a colleague's reply is
    /// looked for before sending; nil (`sent_folder = ""`) turns both off.
    public var sentFolder: String?
    /// The envelope sender (`MAIL FROM`) of replies when set, so delivery reports go there;
    /// otherwise the SMTP settings' `envelope_sender`.
    public var bounceAddress: String?

    public init(
        name: String, endpoint: ServerEndpoint, credentials: Credentials, folder: String = "INBOX",
        ownAddresses: [String], maxMessageBytes: Int = MailboxConfiguration.defaultMaxMessageBytes,
        smtp: SMTPConfiguration?, agentName: String? = nil, teamName: String = "Customer support",
        signature: String = "", replyFrom: String? = nil, sentFolder: String? = "Sent", bounceAddress: String? = nil
    ) {
        self.sentFolder = sentFolder
        self.bounceAddress = bounceAddress
        self.agentName = agentName
        self.teamName = teamName
        self.signature = signature
        self.replyFrom = replyFrom ?? ownAddresses.first ?? ""
        self.name = name
        self.endpoint = endpoint
        self.credentials = credentials
        self.folder = folder
        self.ownAddresses = ownAddresses
        self.maxMessageBytes = maxMessageBytes
        self.smtp = smtp
    }

    /// The envelope sender for replies from this mailbox: `bounce_address`, else the SMTP
    /// settings' `envelope_sender`; nil when no SMTP is configured.
    public var replyEnvelopeSender: String? {
        self.bounceAddress ?? self.smtp?.envelopeSender
    }

    /// 25 MB, the default `max_message_bytes`.
    public static let defaultMaxMessageBytes = 25 * 1024 * 1024
}

/// What Tact does with a mailbox's drafts.
public enum ReplyMode: String, Sendable, Equatable, CaseIterable {
    /// Queue only; people approve each reply (the default).
    case review
    /// Queue, and APPEND each draft to the server's Drafts folder so agents can review in their mail client.
    case draftsFolder = "drafts-folder"
    /// Send without review when the draft has no finding at warning or above and the classifier is
    /// sure enough; otherwise queue. A paused mailbox sends nothing by itself.
    case auto
}

/// Where and how replies are submitted.
public struct SMTPConfiguration: Sendable, Equatable {
    public var endpoint: ServerEndpoint
    /// nil when the server takes mail without AUTH (a local relay).
    public var credentials: Credentials?
    /// The envelope sender (`MAIL FROM`, where bounces go); "" is the null sender `<>`.
    public var envelopeSender: String

    public init(endpoint: ServerEndpoint, credentials: Credentials?, envelopeSender: String) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.envelopeSender = envelopeSender
    }
}

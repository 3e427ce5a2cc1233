import Configuration
import Foundation
import MailTransport
import Testing

/// A minimal valid mailbox, to which each test adds or changes one thing.
private func mailbox(_ extra: String = "", name: String = "support") -> String {
    """
    [[mailbox]]
    name = "\(name)"
    host = "imap.example.com"
    user = "support@example.com"
    password_file = "/etc/tact/pw"
    own_addresses = ["support@example.com"]
    \(extra)

    """
}

private func parse(_ toml: String, environment: [String: String] = [:]) throws(ConfigurationError)
    -> TactConfiguration
{
    try TactConfiguration.parse(toml: toml, source: "test.toml", environment: environment)
}

/// The error `toml` produces; fails the test when it parses.
private func failure(_ toml: String, environment: [String: String] = [:]) -> ConfigurationError? {
    do {
        _ = try parse(toml, environment: environment)
        Issue.record("expected the configuration to be rejected")
        return nil
    } catch {
        return error
    }
}

@Suite struct ConfigurationTests {
    static let shippedConfig = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config/tact.toml").path

    @Suite struct ShippedFile {
        @Test func shippedExampleLoadsAndDescribesBothMailboxes() throws {
            let (configuration, source) = try TactConfiguration.load(
                explicitPath: ConfigurationTests.shippedConfig, environment: [:])
            #expect(source == ConfigurationTests.shippedConfig)
            #expect(configuration.mailboxes.map(\.name) == ["support", "sales"])
            let support = configuration.mailboxes[0]
            #expect(support.endpoint == ServerEndpoint(host: "imap.example.com", port: 993, security: .implicitTLS))
            #expect(
                support.credentials
                    == Credentials(user: "support@example.com", secret: .file("/etc/tact/support-password")))
            #expect(support.ownAddresses == ["support@example.com", "help@example.com"])
            #expect(support.maxMessageBytes == 25 * 1024 * 1024)
            #expect(support.smtp?.endpoint.host == "smtp.example.com")
            #expect(support.smtp?.endpoint.port == 465)
            #expect(support.smtp?.envelopeSender == "support@example.com")
            let sales = configuration.mailboxes[1]
            #expect(sales.credentials.mechanism == .oauth2)
            #expect(sales.credentials.secret == .file("/run/tact/sales-token"))
            #expect(sales.smtp?.endpoint == ServerEndpoint(host: "smtp.office365.com", port: 587, security: .startTLS))
        }

        @Test func everyKeyTheParserKnowsIsExplainedInTheShippedFile() throws {
            let text = try String(contentsOfFile: ConfigurationTests.shippedConfig, encoding: .utf8)
            let keys = [
                "name", "host", "port", "security", "user", "auth", "password_file", "password_credential",
                "token_file", "ca_file", "insecure_skip_verify", "connect_timeout_seconds", "io_timeout_seconds",
                "folder", "own_addresses", "max_message_bytes", "envelope_sender", "[smtp]", "[[mailbox]]",
                "[mailbox.smtp]",
            ]
            for key in keys {
                #expect(text.contains(key), "config/tact.toml does not mention \(key)")
            }
        }
    }

    @Suite struct Defaults {
        @Test func omittedKeysTakeSecureDefaults() throws {
            let configuration = try parse(mailbox())
            let box = configuration.mailboxes[0]
            #expect(box.endpoint.security == .implicitTLS)
            #expect(box.endpoint.port == 993)
            #expect(box.endpoint.insecureSkipVerify == false)
            #expect(box.folder == "INBOX")
            #expect(box.credentials.mechanism == .password)
            #expect(box.maxMessageBytes == 26_214_400)
            #expect(box.smtp == nil)
        }

        @Test func portDefaultsFollowTheSecurityMode() throws {
            let toml = mailbox(
                "security = \"starttls\"\n[mailbox.smtp]\nhost = \"smtp.example.com\"\nsecurity = \"starttls\"")
            let box = try parse(toml).mailboxes[0]
            #expect(box.endpoint.port == 143)
            #expect(box.smtp?.endpoint.port == 587)
            #expect(box.smtp?.credentials == nil)
        }

        @Test func mailboxSMTPReplacesTheSharedTableWhole() throws {
            let toml = """
                [smtp]
                host = "smtp.example.com"
                user = "shared"
                password_file = "/etc/tact/shared"
                envelope_sender = "<>"
                \(mailbox(name: "a"))
                \(mailbox("[mailbox.smtp]\nhost = \"relay.example.com\"\nsecurity = \"starttls\"", name: "b"))
                """
            let boxes = try parse(toml).mailboxes
            #expect(boxes[0].smtp?.endpoint.host == "smtp.example.com")
            #expect(boxes[0].smtp?.credentials?.user == "shared")
            #expect(boxes[0].smtp?.envelopeSender == "", "\"<>\" is the null sender")
            #expect(boxes[1].smtp?.endpoint.host == "relay.example.com")
            #expect(boxes[1].smtp?.credentials == nil, "the shared login must not go to another host")
            #expect(boxes[1].smtp?.envelopeSender == "support@example.com")
        }
    }

    @Suite struct CredentialResolution {
        @Test func systemdCredentialResolvesInsideCredentialsDirectory() throws {
            let toml = mailbox().replacingOccurrences(
                of: "password_file = \"/etc/tact/pw\"", with: "password_credential = \"imap-pw\"")
            let box = try parse(toml, environment: ["CREDENTIALS_DIRECTORY": "/run/credentials/tact.service"])
                .mailboxes[0]
            #expect(box.credentials.secret == .file("/run/credentials/tact.service/imap-pw"))
        }

        @Test func systemdCredentialWithoutCredentialsDirectoryIsExplained() throws {
            let toml = mailbox().replacingOccurrences(
                of: "password_file = \"/etc/tact/pw\"", with: "password_credential = \"imap-pw\"")
            let error = try #require(failure(toml))
            #expect(error.keyPath == "mailbox[1].password_credential")
            #expect(error.problem.contains("CREDENTIALS_DIRECTORY"))
            #expect(error.fix.contains("LoadCredential="))
        }

        @Test func credentialNameCannotEscapeTheDirectory() throws {
            let toml = mailbox().replacingOccurrences(
                of: "password_file = \"/etc/tact/pw\"", with: "password_credential = \"../etc/shadow\"")
            let error = try #require(failure(toml, environment: ["CREDENTIALS_DIRECTORY": "/run/c"]))
            #expect(error.kind == .invalidValue)
            #expect(error.keyPath == "mailbox[1].password_credential")
        }

        @Test func oauth2TakesATokenFile() throws {
            let toml = mailbox("auth = \"oauth2\"").replacingOccurrences(
                of: "password_file = \"/etc/tact/pw\"", with: "token_file = \"/run/tact/token\"")
            let box = try parse(toml).mailboxes[0]
            #expect(
                box.credentials
                    == Credentials(user: "support@example.com", secret: .file("/run/tact/token"), mechanism: .oauth2))
        }
    }

    @Suite struct Lookup {
        static func write(_ text: String, to path: String) throws {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }

        /// Four candidate files, each naming its mailbox after where it is.
        static func withCandidates(_ body: (_ root: String) throws -> Void) throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("tact-lookup-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: root) }
            for name in ["explicit", "environment", "system"] {
                try write(mailbox(name: name), to: "\(root)/\(name).toml")
            }
            try write(mailbox(name: "local"), to: "\(root)/cwd/config/tact.toml")
            try body(root)
        }

        static func load(_ root: String, explicit: Bool, environment: Bool, system: Bool) throws -> (String, String) {
            let (configuration, source) = try TactConfiguration.load(
                explicitPath: explicit ? "\(root)/explicit.toml" : nil,
                environment: environment ? ["TACT_CONFIG": "\(root)/environment.toml"] : [:],
                systemPath: system ? "\(root)/system.toml" : "\(root)/absent.toml",
                currentDirectory: "\(root)/cwd")
            return (configuration.mailboxes[0].name, source)
        }

        @Test func explicitPathWinsThenEnvironmentThenSystemThenWorkingDirectory() throws {
            try Self.withCandidates { root in
                let all = try Self.load(root, explicit: true, environment: true, system: true)
                #expect(all == ("explicit", "\(root)/explicit.toml"))
                let noExplicit = try Self.load(root, explicit: false, environment: true, system: true)
                #expect(noExplicit == ("environment", "\(root)/environment.toml"))
                let systemOnly = try Self.load(root, explicit: false, environment: false, system: true)
                #expect(systemOnly == ("system", "\(root)/system.toml"))
                let none = try Self.load(root, explicit: false, environment: false, system: false)
                #expect(none == ("local", "\(root)/cwd/config/tact.toml"))
            }
        }

        @Test func missingExplicitFileIsAnErrorNotAFallback() throws {
            try Self.withCandidates { root in
                #expect {
                    try TactConfiguration.load(
                        explicitPath: "\(root)/nope.toml", environment: [:], systemPath: "\(root)/system.toml",
                        currentDirectory: "\(root)/cwd")
                } throws: { error in
                    let error = error as? ConfigurationError
                    return error?.kind == .fileNotFound && error?.source == "\(root)/nope.toml"
                }
            }
        }

        @Test func missingFileNamedByTheEnvironmentIsAnErrorNotAFallback() throws {
            try Self.withCandidates { root in
                let error = #expect(throws: ConfigurationError.self) {
                    try TactConfiguration.load(
                        explicitPath: nil, environment: ["TACT_CONFIG": "\(root)/gone.toml"],
                        systemPath: "\(root)/system.toml", currentDirectory: "\(root)/cwd")
                }
                #expect(error?.kind == .fileNotFound)
                #expect(error?.source == "\(root)/gone.toml")
                #expect(error?.fix.contains("TACT_CONFIG") == true)
            }
        }

        @Test func noFileAnywhereListsWhereItLooked() throws {
            let error = #expect(throws: ConfigurationError.self) {
                try TactConfiguration.load(
                    explicitPath: nil, environment: [:], systemPath: "/nonexistent/tact.toml",
                    currentDirectory: "/nonexistent")
            }
            #expect(error?.kind == .fileNotFound)
            #expect(error?.description.contains("/nonexistent/tact.toml") == true)
            #expect(error?.description.contains("/nonexistent/config/tact.toml") == true)
            #expect(error?.fix.contains("--config") == true)
        }
    }
}

import Foundation
import MailTransport

/// Turns the TOML tables into validated settings. The key names here and in `config/tact.toml`
/// must stay the same; that file is where each key is explained.
struct ConfigurationParser {
    let root: TableReader
    let environment: [String: String]

    static let topLevelKeys = ["mailbox", "smtp", "drafting", "daemon"]
    static let endpointKeys = [
        "host", "port", "security", "user", "auth", "password_file", "password_credential", "token_file",
        "ca_file", "insecure_skip_verify", "connect_timeout_seconds", "io_timeout_seconds",
    ]
    static let mailboxKeys =
        ["name"] + endpointKeys + [
            "folder", "own_addresses", "max_message_bytes", "smtp", "agent_name", "team_name", "signature", "reply_from",
            "mode", "mark_queued", "drafts_folder", "auto_min_confidence",
            "sent_folder", "bounce_address",
        ]
    static let smtpKeys = endpointKeys + ["envelope_sender"]

    static let secretAdvice =
        "put the secret in a file readable only by tact and name it with password_file (or token_file), "
        + "or use a systemd credential with password_credential"

    func mailboxes() throws(ConfigurationError) -> [MailboxConfiguration] {
        try self.root.rejectUnknownKeys(allowed: Self.topLevelKeys, secretAdvice: Self.secretAdvice)
        let sharedSMTP = try self.root.subtable("smtp")
        guard let value = self.root.table["mailbox"] else {
            throw self.root.error(
                .missingKey, "mailbox", "no mailbox is configured",
                fix: "add a [[mailbox]] section (see config/tact.toml)")
        }
        guard let array = value.array else {
            throw self.root.error(
                .wrongType, "mailbox", "expected [[mailbox]] sections (an array of tables)",
                fix: "write each mailbox as [[mailbox]], with double brackets")
        }
        guard !array.isEmpty else {
            throw self.root.error(.missingKey, "mailbox", "no mailbox is configured", fix: "add a [[mailbox]] section")
        }
        var result: [MailboxConfiguration] = []
        var firstIndexByName: [String: Int] = [:]
        for (offset, element) in array.enumerated() {
            let path = "mailbox[\(offset + 1)]"
            guard let table = element.table else {
                throw self.root.error(
                    .wrongType, path, "expected a table", fix: "write each mailbox as a [[mailbox]] section")
            }
            let reader = TableReader(table: table, path: path, source: self.root.source, locator: self.root.locator)
            let mailbox = try self.mailbox(reader, sharedSMTP: sharedSMTP)
            if let earlier = firstIndexByName[mailbox.name] {
                throw reader.error(
                    .duplicate, "name", "the name \"\(mailbox.name)\" is already used by mailbox[\(earlier)]",
                    fix: "give every mailbox its own name")
            }
            firstIndexByName[mailbox.name] = offset + 1
            result.append(mailbox)
        }
        return result
    }

    private func mailbox(_ reader: TableReader, sharedSMTP: TableReader?) throws(ConfigurationError)
        -> MailboxConfiguration
    {
        try reader.rejectUnknownKeys(allowed: Self.mailboxKeys, secretAdvice: Self.secretAdvice)
        let name = try reader.requiredString("name", meaning: "a short name for this mailbox, e.g. \"support\"")
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
        guard name.count <= 64, name.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            throw reader.error(
                .invalidValue, "name", "\"\(name)\" is not a usable mailbox name",
                fix: "use up to 64 ASCII letters, digits, '.', '_' or '-'")
        }
        let endpoint = try self.endpoint(reader, defaultPorts: [.implicitTLS: 993, .startTLS: 143, .plaintext: 143])
        guard let credentials = try self.credentials(reader) else {
            throw reader.error(.missingKey, "user", "missing", fix: "add user = \"...\" (the IMAP login name)")
        }
        let folder = try reader.string("folder") ?? "INBOX"
        guard !folder.isEmpty, !folder.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw reader.error(
                .invalidValue, "folder", "is empty or holds a line break", fix: "give a folder name, e.g. \"INBOX\"")
        }
        guard let ownAddresses = try reader.stringArray("own_addresses"), !ownAddresses.isEmpty else {
            throw reader.error(
                .missingKey, "own_addresses", "missing or empty",
                fix: "list the addresses this mailbox receives at, e.g. own_addresses = [\"support@example.com\"]")
        }
        for (index, address) in ownAddresses.enumerated() where !Self.isPlausibleAddress(address) {
            throw reader.error(
                .invalidValue, "own_addresses[\(index + 1)]", "\"\(address)\" is not a plain e-mail address",
                fix: "write it as local@domain, without name or angle brackets")
        }
        let maxBytes = try reader.int("max_message_bytes") ?? MailboxConfiguration.defaultMaxMessageBytes
        guard (1024...1_073_741_824).contains(maxBytes) else {
            throw reader.error(
                .invalidValue, "max_message_bytes", "\(maxBytes) is out of range",
                fix: "use a size between 1024 and 1073741824 bytes (default 26214400, 25 MB)")
        }
        let replyFrom = try reader.string("reply_from") ?? ownAddresses[0]
        guard Self.isPlausibleAddress(replyFrom) else {
            throw reader.error(
                .invalidValue, "reply_from", "\"\(replyFrom)\" is not a plain e-mail address",
                fix: "write it as local@domain")
        }
        let smtpReader = try reader.subtable("smtp") ?? sharedSMTP
        // Bounces of replies go back to the address they came from unless configured otherwise.
        let smtp = try smtpReader.map { (smtpReader) throws(ConfigurationError) in
            try self.smtp(smtpReader, defaultSender: replyFrom)
        }
        let agentName = try reader.string("agent_name")
        let teamName = try reader.string("team_name") ?? "Customer support"
        for (key, value) in [("agent_name", agentName ?? "x"), ("team_name", teamName)]
        where value.trimmingCharacters(in: .whitespaces).isEmpty || value.contains(where: { $0.isNewline }) {
            throw reader.error(.invalidValue, key, "is empty or holds a line break", fix: "give a name on one line")
        }
        let sentFolder = try reader.string("sent_folder") ?? "Sent"
        guard !sentFolder.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw reader.error(
                .invalidValue, "sent_folder", "holds a line break",
                fix: "give the Sent folder's name, e.g. \"Sent\", or \"\" to keep no copy of replies")
        }
        let bounceAddress = try reader.string("bounce_address")
        if let bounceAddress, !Self.isPlausibleAddress(bounceAddress) {
            throw reader.error(
                .invalidValue, "bounce_address", "\"\(bounceAddress)\" is not a plain e-mail address",
                fix: "write it as local@domain (delivery reports for replies go there), or leave it out")
        }
        let modeText = try reader.string("mode") ?? ReplyMode.review.rawValue
        guard let mode = ReplyMode(rawValue: modeText) else {
            throw reader.error(
                .invalidValue, "mode", "\"\(modeText)\" is not a mode",
                fix: "use \"review\" (queue only), \"drafts-folder\" (also APPEND drafts to the Drafts folder) or \"auto\"")
        }
        let draftsFolder = try reader.string("drafts_folder") ?? "Drafts"
        guard !draftsFolder.isEmpty, !draftsFolder.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw reader.error(
                .invalidValue, "drafts_folder", "is empty or holds a line break", fix: "give a folder name, e.g. \"Drafts\"")
        }
        var autoMinConfidence = MailboxConfiguration.defaultAutoMinConfidence
        if let value = try reader.double("auto_min_confidence") {
            guard (0.5...1.0).contains(value) else {
                throw reader.error(
                    .invalidValue, "auto_min_confidence", "\(value) is out of range",
                    fix: "use a number between 0.5 and 1.0 (default 0.85)")
            }
            autoMinConfidence = value
        }
        var result = MailboxConfiguration(
            name: name, endpoint: endpoint, credentials: credentials, folder: folder, ownAddresses: ownAddresses,
            maxMessageBytes: maxBytes, smtp: smtp, agentName: agentName, teamName: teamName,
            signature: try reader.string("signature") ?? "", replyFrom: replyFrom,
            sentFolder: sentFolder.isEmpty ? nil : sentFolder, bounceAddress: bounceAddress)
        result.mode = mode
        result.markQueued = try reader.bool("mark_queued") ?? false
        result.draftsFolder = draftsFolder
        result.autoMinConfidence = autoMinConfidence
        return result
    }

    private func smtp(_ reader: TableReader, defaultSender: String) throws(ConfigurationError) -> SMTPConfiguration {
        try reader.rejectUnknownKeys(allowed: Self.smtpKeys, secretAdvice: Self.secretAdvice)
        let endpoint = try self.endpoint(reader, defaultPorts: [.implicitTLS: 465, .startTLS: 587, .plaintext: 25])
        let credentials = try self.credentials(reader)
        var sender = try reader.string("envelope_sender") ?? defaultSender
        if sender == "<>" {
            sender = ""
        } else if !Self.isPlausibleAddress(sender) {
            throw reader.error(
                .invalidValue, "envelope_sender", "\"\(sender)\" is not a plain e-mail address",
                fix: "write it as local@domain, or \"<>\" for the null sender")
        }
        return SMTPConfiguration(endpoint: endpoint, credentials: credentials, envelopeSender: sender)
    }

    private func endpoint(_ reader: TableReader, defaultPorts: [TransportSecurity: Int]) throws(ConfigurationError)
        -> ServerEndpoint
    {
        let host = try reader.requiredString("host", meaning: "the server's host name")
        guard !host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" || $0 == "\0" }) else {
            throw reader.error(
                .invalidValue, "host", "\"\(host)\" is not a host name",
                fix: "give the host name or address only, e.g. \"imap.example.com\", without scheme or path")
        }
        let securityText = try reader.string("security") ?? TransportSecurity.implicitTLS.rawValue
        guard let security = TransportSecurity(rawValue: securityText) else {
            throw reader.error(
                .invalidValue, "security", "\"\(securityText)\" is not a security mode",
                fix: "use \"tls\", \"starttls\" or \"plain\" (plain only to loopback)")
        }
        let port = try reader.int("port") ?? defaultPorts[security]!
        guard (1...65535).contains(port) else {
            throw reader.error(.invalidValue, "port", "\(port) is out of range", fix: "use a port between 1 and 65535")
        }
        let caFile = try reader.string("ca_file")
        if let caFile { try self.requireAbsolute(caFile, key: "ca_file", reader) }
        let skipVerify = try reader.bool("insecure_skip_verify") ?? false
        let connectTimeout = try self.seconds(reader, "connect_timeout_seconds", default: 15)
        let ioTimeout = try self.seconds(reader, "io_timeout_seconds", default: 60)
        let endpoint = ServerEndpoint(
            host: host, port: port, security: security, caFile: caFile, insecureSkipVerify: skipVerify,
            connectTimeout: .seconds(connectTimeout), ioTimeout: .seconds(ioTimeout))
        if security == .plaintext && !endpoint.isLoopback {
            throw reader.error(
                .insecure, "security", "\"plain\" sends the password unencrypted and is allowed only to loopback",
                fix: "use \"tls\" or \"starttls\" for \(host)")
        }
        if skipVerify && !endpoint.isLoopback {
            throw reader.error(
                .insecure, "insecure_skip_verify", "certificate checks may be switched off only for loopback",
                fix: "remove it and give ca_file = \"/path/to/ca.pem\" if the server uses a private CA")
        }
        return endpoint
    }

    private func seconds(_ reader: TableReader, _ key: String, default value: Int) throws(ConfigurationError) -> Int {
        let seconds = try reader.int(key) ?? value
        guard (1...3600).contains(seconds) else {
            throw reader.error(.invalidValue, key, "\(seconds) is out of range", fix: "use 1 to 3600 seconds")
        }
        return seconds
    }

    /// The login, or nil when the table names no user (allowed for SMTP relays only; the caller
    /// decides). A secret without a user is an error, as is more than one secret source.
    private func credentials(_ reader: TableReader) throws(ConfigurationError) -> Credentials? {
        let user = try reader.string("user")
        let authText = try reader.string("auth") ?? AuthenticationMechanism.password.rawValue
        guard let mechanism = AuthenticationMechanism(rawValue: authText) else {
            throw reader.error(
                .invalidValue, "auth", "\"\(authText)\" is not a login method", fix: "use \"password\" or \"oauth2\"")
        }
        let secretKeys = ["password_file", "password_credential", "token_file"].filter { reader.table[$0] != nil }
        guard let user else {
            if let key = secretKeys.first {
                throw reader.error(
                    .missingKey, "user", "\(key) is given but user is missing", fix: "add user = \"...\"")
            }
            return nil
        }
        guard !user.isEmpty, !user.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw reader.error(.invalidValue, "user", "is empty or holds a line break", fix: "give the login name")
        }
        guard secretKeys.count <= 1 else {
            throw reader.error(
                .invalidValue, secretKeys[1], "\(secretKeys.joined(separator: " and ")) are both given",
                fix: "keep exactly one way to find the secret")
        }
        guard let key = secretKeys.first else {
            let fix =
                mechanism == .oauth2
                ? "add token_file = \"/path/to/token\" (a file holding the current OAuth2 access token)"
                : "add password_file = \"/etc/tact/secret\" or password_credential = \"name\" "
                    + "(systemd LoadCredential=)"
            throw reader.error(
                .missingKey, mechanism == .oauth2 ? "token_file" : "password_file", "no secret is given", fix: fix)
        }
        switch (mechanism, key) {
        case (.oauth2, "password_file"), (.oauth2, "password_credential"):
            throw reader.error(
                .invalidValue, key, "auth = \"oauth2\" logs in with a token, not a password",
                fix: "use token_file, or set auth = \"password\"")
        case (.password, "token_file"):
            throw reader.error(
                .invalidValue, key, "token_file needs auth = \"oauth2\"",
                fix: "set auth = \"oauth2\", or use password_file for a password")
        default:
            break
        }
        guard let value = try reader.string(key), !value.isEmpty else {
            throw reader.error(.invalidValue, key, "is empty", fix: "name the file or credential")
        }
        let path: String
        if key == "password_credential" {
            guard !value.contains("/"), value != ".", value != "..", !value.contains("\0") else {
                throw reader.error(
                    .invalidValue, key, "is not a credential name",
                    fix: "give the name used in LoadCredential= (no '/')")
            }
            guard let directory = self.environment["CREDENTIALS_DIRECTORY"], directory.hasPrefix("/") else {
                throw reader.error(
                    .invalidValue, key, "$CREDENTIALS_DIRECTORY is not set, so the systemd credential cannot be found",
                    fix: "run tact under systemd with LoadCredential=\(value):/path/to/secret, or use password_file")
            }
            path = URL(fileURLWithPath: directory).appendingPathComponent(value).path
        } else {
            // The value is not echoed: a password typed here by mistake must not reach a log.
            try self.requireAbsolute(value, key: key, reader, echo: false)
            path = value
        }
        return Credentials(user: user, secret: .file(path), mechanism: mechanism)
    }

    private func requireAbsolute(_ path: String, key: String, _ reader: TableReader, echo: Bool = true)
        throws(ConfigurationError)
    {
        guard path.hasPrefix("/"), !path.contains("\0") else {
            throw reader.error(
                .invalidValue, key, echo ? "\"\(path)\" is not an absolute path" : "is not an absolute path",
                fix: "give the full path starting with '/', since tact's working directory is not fixed")
        }
    }

    /// local@domain with nothing that could break a header or an SMTP command.
    static func isPlausibleAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return !address.contains {
            $0.isWhitespace || $0.isNewline || "<>,;\"\0".contains($0) || $0.asciiValue.map { $0 < 32 } == true
        }
    }
}

import Foundation

/// Writes a `tact.toml` for a throwaway Dovecot (and optionally an SMTP sink), with its state and
/// the IMAP password file in `directory`. Used by the end-to-end tests and the demo's sandbox.
/// - Returns: the path of the written configuration.
@discardableResult
public func writeTactConfiguration(
    in directory: String, dovecot: Dovecot, sink: SMTPSink?, repository: String, password: String? = nil,
    mailboxSettings: String = "", daemonSettings: String = "", smtpSettings: String = ""
) throws -> String {
    let secret = directory + "/imap-password"
    try (password ?? dovecot.password).write(toFile: secret, atomically: true, encoding: .utf8)
    // As an installation keeps it: readable by the owner only (`tact config check` refuses more).
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
    let smtp = sink.map { "[smtp]\nhost = \"127.0.0.1\"\nport = \($0.port)\nsecurity = \"plain\"\n\(smtpSettings)\n" } ?? ""
    let config = """
        # Written for a throwaway Dovecot and SMTP sink on loopback.
        \(smtp)
        [[mailbox]]
        name = "support"
        host = "127.0.0.1"
        port = \(dovecot.plainPort)
        security = "plain"
        user = "\(dovecot.user)"
        password_file = "\(secret)"
        own_addresses = ["support@shop.example"]
        agent_name = "Marta Keller"
        team_name = "Shop Support"
        \(mailboxSettings)

        [drafting]
        templates_dir = "\(repository)/templates"
        rules_file = "\(repository)/config/courtesy.toml"
        time_zone = "Europe/London"

        [daemon]
        state_dir = "\(directory)"
        \(daemonSettings)
        """
    let path = directory + "/tact.toml"
    try config.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

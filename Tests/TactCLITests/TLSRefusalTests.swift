import Foundation
import TactTestSupport
import Testing

/// What an administrator sees when the IMAP server's certificate is wrong: `tact mailbox check`
/// and `tact run --once` refuse it with a message that says what to check, and never log in.
@Suite struct TLSRefusalTests {
    func config(_ directory: TemporaryDirectory, _ dovecot: Dovecot, host: String, caFile: String?) throws -> String {
        let secret = directory.path + "/imap-password"
        try dovecot.password.write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        let path = directory.path + "/tact-\(host)-\(caFile == nil ? "system" : "ca").toml"
        try """
            [[mailbox]]
            name = "support"
            host = "\(host)"
            port = \(dovecot.tlsPort)
            security = "tls"
            \(caFile.map { "ca_file = \"\($0)\"" } ?? "")
            user = "\(dovecot.user)"
            password_file = "\(secret)"
            own_addresses = ["support@shop.example"]
            [drafting]
            templates_dir = "\(repositoryRoot.path)/templates"
            [daemon]
            state_dir = "\(directory.path)"
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aCertificateForAnotherHostOrFromAnUnknownCAIsRefusedWithWhatToCheck() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-tls")
            defer { directory.remove() }
            let cases = [
                ("another host", try config(directory, dovecot, host: dovecot.uncoveredHost, caFile: dovecot.certificatePath)),
                ("untrusted", try config(directory, dovecot, host: "127.0.0.1", caFile: nil)),
            ]
            for (label, path) in cases {
                let check = try TactBinary.run(["mailbox", "check", "--config", path])
                #expect(check.status == 1, "\(label): \(check.stdout)\(check.stderr)")
                #expect(check.stdout.contains("support: FAILED"), "\(label): \(check.stdout)")
                #expect(check.stdout.contains("certificate matches the host and is trusted (ca_file)"), "\(label): \(check.stdout)")
                let run = try TactBinary.run(["run", "--once", "--config", path])
                #expect(run.status == 1, "\(label)")
                #expect(run.stderr.contains("TLS with"), "\(label): \(run.stderr)")
                #expect(!(check.stdout + check.stderr + run.stdout + run.stderr).contains(dovecot.password))
            }
            // The same server under the name its certificate carries, with its CA: accepted.
            let good = try TactBinary.run(
                ["mailbox", "check", "--config", try config(directory, dovecot, host: "127.0.0.1", caFile: dovecot.certificatePath)])
            #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        }
    }
}

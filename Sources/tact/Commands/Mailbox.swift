import ArgumentParser
import Configuration
import Foundation
import MailTransport

/// `tact mailbox check`: can Tact reach and read each configured mailbox?
struct MailboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbox", abstract: "Check the configured mailboxes.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect to each mailbox, log in, and print UIDVALIDITY, UIDNEXT and the message count.",
            discussion: "Nothing is changed on the server: the folder is opened read-only. Exits 1 if any mailbox fails.")

        @Option(name: .customLong("config"), help: "The configuration file (default: $TACT_CONFIG, /etc/tact/tact.toml, ./config/tact.toml).")
        var configFile: String?

        func run() async throws {
            let configuration = try loadConfiguration(self.configFile)
            var failures = 0
            for mailbox in configuration.mailboxes {
                let session = IMAPSession(endpoint: mailbox.endpoint, credentials: mailbox.credentials)
                let place = "\(mailbox.folder) on \(mailbox.endpoint.host):\(mailbox.endpoint.port)"
                do {
                    let status = try await session.select(mailbox.folder, readOnly: true)
                    print("\(mailbox.name): ok, \(place): UIDVALIDITY \(status.uidValidity), UIDNEXT \(status.uidNext), "
                        + "\(status.messageCount) messages")
                } catch {
                    failures += 1
                    print("\(mailbox.name): FAILED, \(place): \(error)\(Self.hint(error))")
                }
                await session.close()
            }
            if failures > 0 { throw ExitCode(1) }
        }

        /// What to check, by kind of failure.
        static func hint(_ error: Error) -> String {
            guard let error = error as? TransportError else { return "" }
            switch error.kind {
            case .authenticationFailed: return " — check user and the password or token file"
            case .tlsFailure: return " — check security, the server's certificate and ca_file"
            case .unreachable, .timeout: return " — check host, port, the firewall and that the server runs"
            case .noSuchMailbox: return " — check folder"
            case .secretUnreadable: return " — check the secret file's path and permissions"
            default: return ""
            }
        }
    }
}

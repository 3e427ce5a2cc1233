import ArgumentParser
import Configuration
import Foundation
import MailTransport

/// `tact config ...`: commands about the configuration file.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Inspect the configuration.",
        subcommands: [ConfigCheck.self])
}

/// `tact config check [--config FILE]`: finds and validates the configuration, says which file was
/// used, and prints what it means, without secrets. Exit 2 when it is invalid or a secret file
/// cannot be read.
struct ConfigCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and print a summary (never secrets).",
        discussion: """
            Looks for the file given with --config, then $TACT_CONFIG, /etc/tact/tact.toml and \
            ./config/tact.toml. Exits 2 with the key, line and fix when the file is invalid, or when a \
            password or token file named in it cannot be read, or can be read or changed by every user.
            """)

    @Option(name: .long, help: "The configuration file to check.")
    var config: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let loaded: (configuration: TactConfiguration, source: String)
        do {
            loaded = try TactConfiguration.load(explicitPath: self.config, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print("configuration: \(loaded.source)")
        var unreadable: [String] = []
        for mailbox in loaded.configuration.mailboxes {
            print("mailbox \(mailbox.name):")
            print("  imap: \(Self.describe(mailbox.endpoint, credentials: mailbox.credentials, &unreadable))")
            print("  folder: \(mailbox.folder)")
            print("  own addresses: \(mailbox.ownAddresses.joined(separator: ", "))")
            print("  max message bytes: \(mailbox.maxMessageBytes)")
            if let smtp = mailbox.smtp {
                print("  smtp: \(Self.describe(smtp.endpoint, credentials: smtp.credentials, &unreadable))")
                print("  envelope sender: <\(smtp.envelopeSender)>")
            } else {
                print("  smtp: none (replies cannot be sent)")
            }
        }
        // A secret readable or writable by every user is a leak waiting to happen (RELIABILITY.md).
        let exposed = loaded.configuration.mailboxes.flatMap { mailbox in
            [mailbox.credentials, mailbox.smtp?.credentials].compactMap { credentials -> String? in
                guard case .file(let path)? = credentials?.secret else { return nil }
                var status = stat()
                return stat(path, &status) == 0 && status.st_mode & 0o007 != 0 ? path : nil
            }
        }
        guard exposed.isEmpty else {
            let files = Set(exposed).sorted()
            FileHandle.standardError.write(Data(
                ("error: the secret file(s) \(files.joined(separator: ", ")) can be read or changed by every user: "
                    + "run chmod o-rwx \(files.joined(separator: " ")) (owner tact, or root with group tact, mode 0640 or 0600)\n").utf8))
            throw ExitCode(2)
        }
        guard unreadable.isEmpty else {
            let files = Set(unreadable).sorted().joined(separator: ", ")
            FileHandle.standardError.write(
                Data("error: cannot read the secret file(s) \(files): create them, readable by the tact user\n".utf8))
            throw ExitCode(2)
        }
        print("valid")
    }

    private static func describe(_ endpoint: ServerEndpoint, credentials: Credentials?, _ unreadable: inout [String])
        -> String
    {
        var text = "\(endpoint.host):\(endpoint.port) security=\(endpoint.security.rawValue)"
        if let caFile = endpoint.caFile { text += " ca_file=\(caFile)" }
        if endpoint.insecureSkipVerify { text += " insecure_skip_verify" }
        guard let credentials else { return text + " (no login)" }
        text += " user=\(credentials.user) auth=\(credentials.mechanism.rawValue)"
        if case .file(let path) = credentials.secret {
            // Only whether the secret can be read is shown, never the secret.
            let readable = FileManager.default.isReadableFile(atPath: path)
            if !readable { unreadable.append(path) }
            text += " secret=\(path)\(readable ? "" : " (NOT READABLE)")"
        }
        return text
    }
}

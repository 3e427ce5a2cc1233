import ArgumentParser
import Configuration
import Foundation
import Store

/// `tact forget ADDRESS`: removes everything Tact holds about one person.
struct Forget: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove everything Tact holds about one person, and say what was removed.",
        discussion: """
            Deletes the messages they sent, drafts addressed to them (and the messages those answer), their \
            audit rows, and with them the memory that they were acknowledged; redacts their address or name \
            in other audit rows; deletes reviewers' corrections under <state_dir>/corrections made from their \
            mail. Deleted rows are overwritten in the database file. Mail on the IMAP server and copies in \
            backups are not touched: delete those by hand (it names, by Message-ID, the copies of drafts to \
            them that Tact put in a Drafts folder and may still be there). Refuses while a reply to them is \
            being sent.
            """)

    @Argument(help: "The person's e-mail address (case does not matter).") var address: String
    @Option(name: .customLong("config"), help: "The configuration file (default: $TACT_CONFIG, /etc/tact/tact.toml, ./config/tact.toml).")
    var configFile: String?
    @Option(name: .customLong("store"), help: "The database (default: from the configuration's [daemon] state_dir).")
    var storePath: String?

    func run() throws {
        let address = self.address.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !address.contains(where: { $0.isWhitespace })
        else {
            throw CLIError("\"\(self.address)\" is not an e-mail address: give it as local@domain, e.g. tact forget anna@example.com")
        }
        let configuration = try loadConfiguration(self.configFile)
        let path = self.storePath ?? configuration.daemon.storePath
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("there is no Tact database at \(path): nothing to forget (or pass --store)")
        }
        let report: ForgetReport
        do {
            report = try SQLiteStore(path: path).forget(address: address)
        } catch let error as StoreError where error.kind == .conflict {
            print("nothing removed: \(error.description)")
            throw ExitCode(1)
        } catch {
            throw CLIError("\(error)")
        }
        let corrections = try Self.removeCorrections(
            in: (configuration.daemon.stateDirectory as NSString).appendingPathComponent("corrections"),
            messageRowIDs: Set(report.messageRowIDs), address: address)
        print("\(address): removed \(report.messageRowIDs.count) message(s), \(report.drafts) draft(s), "
            + "\(report.auditRows) audit row(s); redacted \(report.auditRowsRedacted) other audit row(s); "
            + "removed \(corrections.count) correction file(s)")
        for file in corrections { print("  removed \(file)") }
        if !report.draftCopiesLeft.isEmpty {
            print("the mail server may still hold \(report.draftCopiesLeft.count) copy(ies) of drafts to them that Tact put in a Drafts folder; delete them there:")
            for copy in report.draftCopiesLeft { print("  \(copy.folder): Message-ID \(copy.messageID)") }
        }
        if report.messageRowIDs.isEmpty && corrections.isEmpty { print("(Tact held nothing about \(address))") }
    }

    /// Correction files are named `message-<row id>.eml`; any other that names the address goes too.
    static func removeCorrections(in folder: String, messageRowIDs: Set<Int64>, address: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var removed: [String] = []
        let needle = Data(address.utf8)
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".eml") else { continue }
            let path = (folder as NSString).appendingPathComponent(relative)
            let name = (relative as NSString).lastPathComponent
            let id = Int64(name.dropFirst("message-".count).dropLast(".eml".count))
            let fromThem = name.hasPrefix("message-") && id.map(messageRowIDs.contains) == true
            let namesThem = !fromThem && (FileManager.default.contents(atPath: path).map { Data($0.lowercasedASCII).range(of: needle) != nil } ?? false)
            guard fromThem || namesThem else { continue }
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw CLIError("cannot remove \(path): \(error.localizedDescription); remove it by hand")
            }
            removed.append(path)
        }
        return removed.sorted()
    }
}

extension Data {
    /// ASCII letters lowercased, other bytes unchanged (addresses are matched case-insensitively).
    fileprivate var lowercasedASCII: [UInt8] {
        self.map { (65...90).contains($0) ? $0 + 32 : $0 }
    }
}

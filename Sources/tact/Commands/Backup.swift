import ArgumentParser
import Configuration
import Foundation
import Store

/// `tact backup FILE`: a consistent copy of the store, safe while the daemon runs.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of the database to FILE, while the daemon keeps running.",
        discussion: """
            The copy is one snapshot (SQLite VACUUM INTO): every committed change up to that moment, nothing \
            half-written. It is created with mode 0640 (owner and group; reviewers are in the group), checked \
            with an integrity check, and only then put at FILE. An existing FILE is never overwritten without \
            --force. To restore: stop tact; move tact.sqlite and any tact.sqlite-wal and tact.sqlite-shm \
            out of <state_dir> (a log left beside another database would damage it); copy the backup to \
            <state_dir>/tact.sqlite, owned by the tact user and group, mode 0660.
            """)

    @Argument(help: "Where to write the copy.") var file: String
    @Flag(help: "Replace FILE if it exists.") var force = false
    @Option(name: .customLong("config"), help: "The configuration file (default: $TACT_CONFIG, /etc/tact/tact.toml, ./config/tact.toml).")
    var configFile: String?
    @Option(name: .customLong("store"), help: "The database (default: from the configuration's [daemon] state_dir).")
    var storePath: String?

    func run() throws {
        let path: String
        if let storePath { path = storePath } else { path = try loadConfiguration(self.configFile).daemon.storePath }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("there is no Tact database at \(path): nothing to back up (or pass --store)")
        }
        if !self.force && FileManager.default.fileExists(atPath: self.file) {
            throw CLIError("\(self.file) already exists: choose another file, or pass --force to replace it")
        }
        do {
            let report = try SQLiteStore(path: path).backup(to: self.file, replacing: self.force)
            print("backed up \(path) to \(report.path): \(report.bytes) bytes, \(report.messages) message(s), \(report.drafts) draft(s)")
        } catch let error as StoreError where error.kind == .conflict {
            throw CLIError("\(error.description): choose another file, or pass --force to replace it")
        } catch {
            throw CLIError("\(error)")
        }
    }
}

import Foundation
import Store
import TactTestSupport
import Testing

/// The database's storage failing under `tact run --once`: a full disk, a read-only file system, a
/// damaged file. The state folder is a small tmpfs mounted in a private mount namespace
/// (`unshare --mount`), so nothing outside the test sees it and it goes away with the process.
@Suite struct StorageFaultTests {
    func mail(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: repositoryRoot.appendingPathComponent("demo/mail/\(name)")))
    }

    /// Runs `script` with bash inside a private mount namespace; `wait_for NAME` in the script
    /// blocks until the test calls `release(NAME)`.
    final class NamespaceScript: @unchecked Sendable {
        let process = Process()
        let output: String
        let control: String

        init(_ script: String, in directory: TemporaryDirectory) throws {
            self.control = directory.path + "/control"
            self.output = directory.path + "/script.log"
            try FileManager.default.createDirectory(atPath: self.control, withIntermediateDirectories: true)
            let path = directory.path + "/script.sh"
            let prelude = """
                set -u
                wait_for() { for _ in $(seq 600); do [ -e "\(self.control)/$1" ] && return 0; sleep 0.05; done; echo "timed out waiting for $1"; exit 9; }
                say() { touch "\(self.control)/$1"; }

                """
            try (prelude + script).write(toFile: path, atomically: true, encoding: .utf8)
            let unshare = try Command.locate(["/usr/bin/unshare"], package: "util-linux")
            self.process.executableURL = URL(fileURLWithPath: unshare)
            self.process.arguments = ["--mount", "--propagation", "private", "/bin/bash", path]
            FileManager.default.createFile(atPath: self.output, contents: nil)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: self.output))
            self.process.standardOutput = log
            self.process.standardError = log
            try self.process.run()
        }

        func waitFor(_ name: String, seconds: Double = 60) throws {
            let deadline = Date().addingTimeInterval(seconds)
            while !FileManager.default.fileExists(atPath: "\(self.control)/\(name)") {
                guard self.process.isRunning, Date() < deadline else {
                    throw TestSupportError("the script never said \(name): \(self.log)")
                }
                usleep(50_000)
            }
        }

        func release(_ name: String) { FileManager.default.createFile(atPath: "\(self.control)/\(name)", contents: nil) }

        var log: String { (try? String(contentsOfFile: self.output, encoding: .utf8)) ?? "" }

        /// The text the script printed between `=== name` and the next `===` line.
        func section(_ name: String) -> String {
            let parts = self.log.components(separatedBy: "=== ")
            return parts.first { $0.hasPrefix(name + "\n") }.map { String($0.dropFirst(name.count + 1)) } ?? ""
        }
    }

    @Test func aFullDiskAndAReadOnlyFileSystemStopTheRunClearlyAndLoseNothing() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-storage")
            defer { directory.remove() }
            let state = directory.path + "/state"
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            let config = try writeTactConfiguration(
                in: directory.path, dovecot: dovecot, sink: nil, repository: repositoryRoot.path)
            let text = try String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(of: "state_dir = \"\(directory.path)\"", with: "state_dir = \"\(state)\"")
            try text.write(toFile: config, atomically: true, encoding: .utf8)
            let tact = "\"\(TactBinary.path)\" run --once --config \"\(config)\""
            let script = try NamespaceScript(
                """
                mount -t tmpfs -o size=2m,mode=0750 tmpfs "\(state)" || { echo "mount failed"; exit 8; }
                echo "=== baseline"; \(tact); echo "exit $?"
                say baselined; wait_for delivered
                # Fill the file system, then process the new mail.
                dd if=/dev/zero of="\(state)/filler" bs=4096 2>/dev/null
                echo "=== full"; \(tact) 2>&1; echo "exit $?"
                rm -f "\(state)/filler"
                echo "=== freed"; \(tact) 2>&1; echo "exit $?"
                sum_before=$(sha256sum "\(state)/tact.sqlite")
                mount -o remount,ro "\(state)"
                echo "=== readonly"; \(tact) 2>&1; echo "exit $?"
                mount -o remount,rw "\(state)"
                sum_after=$(sha256sum "\(state)/tact.sqlite")
                echo "=== unchanged"; [ "$sum_before" = "$sum_after" ] && echo yes || echo no
                echo "=== again"; \(tact) 2>&1; echo "exit $?"
                say ready2; wait_for delivered2
                # Full again, but with room to open the store: the disk fills while a message is recorded.
                # The room a run needs to open the store is found by trying: each failed opening changes nothing.
                for margin in 48 64 80 96 112 128 144 160 192 224 256; do
                    rm -f "\(state)/filler"
                    dd if=/dev/zero of="\(state)/filler" bs=4096 2>/dev/null
                    truncate -s -${margin}K "\(state)/filler"
                    out=$(\(tact) 2>&1; echo "exit $?")
                    case "$out" in *"cannot open the store"*) continue ;; esac
                    break
                done
                echo "=== fullwhilewriting"; echo "margin ${margin}K"; echo "$out"
                rm -f "\(state)/filler"
                echo "=== freed2"; \(tact) 2>&1; echo "exit $?"
                echo "=== end"
                """, in: directory)
            defer { if script.process.isRunning { script.process.terminate() } }
            try script.waitFor("baselined")
            try dovecot.deliver(try mail("02-refund.eml"))
            script.release("delivered")
            try script.waitFor("ready2")
            try dovecot.deliver(try mail("10-question-how-are-you.eml"))
            script.release("delivered2")
            script.process.waitUntilExit()
            let log = script.log
            try #require(script.process.terminationStatus == 0, "\(log)")
            #expect(script.section("baseline").contains("first run"), "\(log)")
            // Full: the run fails, says why, and records nothing.
            let full = script.section("full")
            print("storage: full disk: \(full.trimmingCharacters(in: .whitespacesAndNewlines))")
            #expect(full.contains("exit 1") || full.contains("exit 2"), "\(full)")
            #expect(full.contains("full") || full.contains("No space left"), "\(full)")
            // Space again: the mail is handled, once.
            #expect(script.section("freed").contains("1 drafted"), "\(log)")
            // Read-only: refused with the store named, the file untouched.
            let readOnly = script.section("readonly")
            #expect(readOnly.contains("exit 2") || readOnly.contains("exit 1"), "\(readOnly)")
            // The first file tact opens there is named: its lock (tact.pid) or the store.
            #expect((readOnly.contains("tact.sqlite") || readOnly.contains("tact.pid")) && readOnly.contains("Read-only"), "\(readOnly)")
            #expect(script.section("unchanged").hasPrefix("yes"), "\(log)")
            #expect(script.section("again").contains("nothing new"), "\(log)")
            // Full while writing: the pass fails, nothing half-recorded; with space the mail is handled once.
            let whileWriting = script.section("fullwhilewriting")
            print("storage: full while writing: \(whileWriting.trimmingCharacters(in: .whitespacesAndNewlines))")
            #expect(!whileWriting.contains("exit 0"), "\(whileWriting)")
            #expect(whileWriting.contains("full") || whileWriting.contains("No space left"), "\(whileWriting)")
            #expect(script.section("freed2").contains("1 drafted"), "\(log)")
            for uid in 1...2 as ClosedRange<UInt32> {
                #expect(!(try dovecot.flags(uid: uid)).contains("\\Seen"))
            }
        }
    }

    @Test func aStoreTheServiceUserCannotWriteIsRefusedWithWhatToCheck() throws {
        // The store belongs to root (someone ran tact with sudo); the service runs as another user.
        let directory = try TemporaryDirectory(prefix: "tact-unwritable")
        defer { directory.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let path = directory.path + "/tact.sqlite"
        do { _ = try SQLiteStore(path: path) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let config = directory.path + "/tact.toml"
        try """
            [[mailbox]]
            name = "support"
            host = "127.0.0.1"
            security = "plain"
            user = "test"
            password_file = "/nonexistent"
            own_addresses = ["support@shop.example"]
            [drafting]
            templates_dir = "\(repositoryRoot.path)/templates"
            [daemon]
            state_dir = "\(directory.path)"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: config)
        let setpriv = try Command.locate(["/usr/bin/setpriv"], package: "util-linux")
        for arguments in [["run", "--once", "--config", config], ["status", "--config", config]] {
            let result = try Command.run(
                setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", TactBinary.path] + arguments)
            #expect(result.status == 2, "\(arguments[0]): \(result.status) \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains(path) && result.stderr.contains("Permission denied"), "\(result.stderr)")
            #expect(result.stderr.contains("owner and mode"), "\(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aDamagedStoreStopsEveryCommandAndIsNeverOverwritten() throws {
        let directory = try TemporaryDirectory(prefix: "tact-damaged")
        defer { directory.remove() }
        let path = directory.path + "/tact.sqlite"
        // A real store, closed (its log checkpointed into the file), whose header is then overwritten.
        do {
            let store = try SQLiteStore(path: path)
            _ = try store.record(
                IncomingMessage(mailbox: "support", uidValidity: 1, uid: 1, messageID: nil, sender: "a@example.org", subject: "x",
                                receivedAt: Date(), outcome: .suppressed), draft: nil, actor: "daemon")
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "the store should be closed")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 100))
        try handle.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let config = directory.path + "/tact.toml"
        try """
            [[mailbox]]
            name = "support"
            host = "127.0.0.1"
            security = "plain"
            user = "test"
            password_file = "/nonexistent"
            own_addresses = ["support@shop.example"]
            [drafting]
            templates_dir = "\(repositoryRoot.path)/templates"
            [daemon]
            state_dir = "\(directory.path)"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        for arguments in [
            ["run", "--once", "--config", config], ["status", "--config", config], ["queue", "list", "--config", config],
            ["backup", "--config", config, directory.path + "/copy.sqlite"], ["forget", "a@example.org", "--config", config],
        ] {
            let result = try TactBinary.run(arguments)
            #expect(result.status == 2, "\(arguments[0]): \(result.status) \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains(path), "\(arguments[0]) must name the file: \(result.stderr)")
            #expect(result.stderr.contains("restore a backup"), "\(arguments[0]) must say what to do: \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the damaged file was changed")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/copy.sqlite"))
    }
}

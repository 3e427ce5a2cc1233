import Foundation
import Store
import TactTestSupport
import Testing

/// Passwords never reach what tact prints or stores: every command that could show one runs with a
/// distinctive secret, and everything it printed and the whole store is searched for it.
@Suite struct SecretLeakTests {
    /// Distinctive, so a match can only be a leak.
    let canary = "Canary-7Qx-Zebra-41t8-NeverPrint"

    func leaks(_ results: [(String, CommandResult)]) -> [String] {
        results.compactMap { name, result in
            (result.stdout + result.stderr).contains(self.canary) ? "\(name) printed the password" : nil
        }
    }

    @Test func aPasswordNeverAppearsInOutputErrorsOrTheStore() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-secret")
            defer { directory.remove() }
            // The canary is the (wrong) IMAP password: every login fails, as in a rotated-password outage.
            let config = try writeTactConfiguration(
                in: directory.path, dovecot: dovecot, sink: nil, repository: repositoryRoot.path, password: canary)
            let store = directory.path + "/tact.sqlite"
            var results: [(String, CommandResult)] = []
            results.append(("mailbox check", try TactBinary.run(["mailbox", "check", "--config", config])))
            results.append(("run --once", try TactBinary.run(["run", "--once", "--config", config])))
            #expect(results.allSatisfy { $0.1.status != 0 }, "the logins must fail")
            #expect(results[1].1.stderr.contains("support"), "the failure names the mailbox: \(results[1].1.stderr)")
            results.append(("status", try TactBinary.run(["status", "--config", config, "--store", store])))
            results.append(("status --json", try TactBinary.run(["status", "--json", "--config", config, "--store", store])))
            results.append(("explain", try TactBinary.run(["explain", "1", "--store", store])))
            results.append(("config check", try TactBinary.run(["config", "check", "--config", config])))
            // The password written into the configuration itself by mistake: refused, not echoed.
            let original = try String(contentsOfFile: config, encoding: .utf8)
            for (label, mistake) in [
                ("password key", "password = \"\(canary)\""),
                ("password_file holding the password", "password_file = \"\(canary)\""),
                ("password_credential holding the password", "password_credential = \"\(canary)/x\""),
            ] {
                let broken = directory.path + "/broken.toml"
                let text = original.components(separatedBy: "\n").map { $0.hasPrefix("password_file") ? mistake : $0 }
                    .joined(separator: "\n")
                try text.write(toFile: broken, atomically: true, encoding: .utf8)
                let checked = try TactBinary.run(["config", "check", "--config", broken])
                #expect(checked.status != 0, "\(label) must be refused")
                results.append(("config check with a \(label)", checked))
                results.append(("run --once with a \(label)", try TactBinary.run(["run", "--once", "--config", broken])))
            }
            #expect(results.count == 12)
            #expect(leaks(results).isEmpty, "\(leaks(results))")
            // The store recorded the failure (for `tact status`), without the password.
            let state = try #require(try SQLiteStore(path: store).mailboxState("support"))
            #expect(state.lastError != nil)
            for name in ["tact.sqlite", "tact.sqlite-wal"] {
                guard let bytes = FileManager.default.contents(atPath: directory.path + "/" + name) else { continue }
                #expect(bytes.range(of: Data(canary.utf8)) == nil, "\(name) holds the password")
            }
        }
    }
}

import Foundation
import Store
import TactTestSupport
import Testing

/// `tact backup`, `tact forget` and retention in `tact run --once`, end to end with the built binary.
@Suite struct PrivacyCommandTests {
    /// A configuration that only names the state folder (no server is contacted by these commands).
    func writeConfig(_ directory: TemporaryDirectory, extra: String = "") throws -> String {
        let path = directory.path + "/tact.toml"
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
            \(extra)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func incoming(_ uid: UInt32, from sender: String, name: String? = nil) -> IncomingMessage {
        IncomingMessage(
            mailbox: "support", uidValidity: 1, uid: uid, messageID: "<p\(uid)@example.org>", sender: sender,
            subject: "Order \(uid)", receivedAt: Date(), outcome: .drafted, senderName: name, customerText: "Hello from \(sender)")
    }

    func draft(to recipient: String) -> NewDraft {
        NewDraft(template: "question", subject: "Re: Order", body: "Hi,\n\nthanks", promisedBy: nil, recipient: recipient)
    }

    func row(_ result: RecordResult) throws -> Int64 {
        guard case .recorded(let row, _) = result else { throw TestSupportError("not recorded") }
        return row
    }

    // MARK: - backup

    @Test func aBackupTakenWhileAnotherProcessWritesHasEveryCommittedRow() throws {
        let directory = try TemporaryDirectory(prefix: "tact-backup")
        defer { directory.remove() }
        let storePath = directory.path + "/tact.sqlite"
        _ = try SQLiteStore(path: storePath)
        // Another process commits one row at a time and reports how many are committed.
        let progress = directory.path + "/committed"
        let stop = directory.path + "/stop"
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: try Command.locate(["/usr/bin/python3"], package: "python3"))
        writer.arguments = [
            "-c",
            """
            import os, sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
            n, deadline = 0, time.time() + 60
            while not os.path.exists(sys.argv[3]) and time.time() < deadline:
                n += 1
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT INTO message (mailbox, uid_validity, uid, sender, received_at, outcome, recorded_at, customer_text) "
                           "VALUES ('writer', 1, ?, ?, 0, 'suppressed', ?, ?)", (n, "w%d@example.org" % n, time.time(), "x" * 2000))
                db.execute("COMMIT")
                with open(sys.argv[2] + ".tmp", "w") as f:
                    f.write(str(n))
                os.replace(sys.argv[2] + ".tmp", sys.argv[2])
            """,
            storePath, progress, stop,
        ]
        try writer.run()
        defer {
            FileManager.default.createFile(atPath: stop, contents: nil)
            writer.waitUntilExit()
        }
        func committed() -> Int { Int((try? String(contentsOfFile: progress, encoding: .utf8)) ?? "0") ?? 0 }
        let deadline = Date().addingTimeInterval(20)
        while committed() < 200 && Date() < deadline { usleep(20_000) }
        let sqlite = try Command.locate(["/usr/bin/sqlite3"], package: "sqlite3")
        for round in 1...3 {
            let before = committed()
            let copy = directory.path + "/copy-\(round).sqlite"
            let result = try TactBinary.run(["backup", "--store", storePath, copy])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("backed up"))
            let after = committed()
            // The copy is one consistent snapshot: rows 1...n with no gap, n at least what was
            // committed before the backup began, and at most what was committed when it ended (+1 in flight).
            let check = try Command.run(
                sqlite, ["-readonly", copy, "PRAGMA integrity_check; SELECT COUNT(*), COALESCE(MIN(uid),0), COALESCE(MAX(uid),0) FROM message WHERE mailbox = 'writer';"])
            let lines = check.stdout.split(separator: "\n")
            #expect(lines.first == "ok", "\(check.stdout)\(check.stderr)")
            let numbers = lines.last.map { $0.split(separator: "|").compactMap { Int($0) } } ?? []
            try #require(numbers.count == 3, "\(check.stdout)")
            #expect(numbers[0] >= before && numbers[0] <= after + 1, "copy has \(numbers[0]) rows; \(before) committed before, \(after) after")
            #expect(numbers[0] == 0 || (numbers[1] == 1 && numbers[2] == numbers[0]), "rows are not a gap-free prefix: \(numbers)")
            let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o137 == 0 } == true, "the copy has mode \(String(mode ?? 0, radix: 8))")
        }
        // Never overwritten without --force; replaced with it.
        let existing = directory.path + "/copy-1.sqlite"
        let before = try Data(contentsOf: URL(fileURLWithPath: existing))
        let refused = try TactBinary.run(["backup", "--store", storePath, existing])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("already exists") && refused.stderr.contains("--force"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == before)
        let forced = try TactBinary.run(["backup", "--force", "--store", storePath, existing])
        #expect(forced.status == 0, "\(forced.stderr)")
        let missing = try TactBinary.run(["backup", "--store", directory.path + "/none.sqlite", directory.path + "/x.sqlite"])
        #expect(missing.status == 2 && missing.stderr.contains("none.sqlite"))
    }

    // MARK: - forget

    @Test func forgetRemovesAPersonIncludingCorrectionFilesAndSaysWhat() throws {
        let directory = try TemporaryDirectory(prefix: "tact-forget")
        defer { directory.remove() }
        let config = try writeConfig(directory)
        let store = try SQLiteStore(path: directory.path + "/tact.sqlite")
        // Mode drafts-folder: a copy of the draft to Anna went to Drafts, and stays on the server.
        var annaDraft = draft(to: "anna@example.org")
        annaDraft.replyMessageID = "<reply-1@shop.example>"
        let anna = try row(store.record(
            incoming(1, from: "anna@example.org", name: "Anna Berg"), draft: annaDraft, steps: [.appendDraft(folder: "Drafts")],
            actor: "daemon"))
        let bob = try row(store.record(incoming(2, from: "bob@example.org", name: "Bob"), draft: draft(to: "bob@example.org"), actor: "daemon"))
        let corrections = directory.path + "/corrections"
        try FileManager.default.createDirectory(atPath: corrections + "/refund", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: corrections + "/question", withIntermediateDirectories: true)
        let annaFile = corrections + "/refund/message-\(anna).eml"
        let namingFile = corrections + "/question/message-999.eml"
        let bobFile = corrections + "/question/message-\(bob).eml"
        try "From: \"Anna Berg\" <anna@example.org>\nSubject: x\n\nhello\n".write(toFile: annaFile, atomically: true, encoding: .utf8)
        try "From: carl@example.org\nCc: ANNA@example.org\n\nhello\n".write(toFile: namingFile, atomically: true, encoding: .utf8)
        try "From: bob@example.org\n\nhello\n".write(toFile: bobFile, atomically: true, encoding: .utf8)

        let result = try TactBinary.run(["forget", "Anna@Example.org", "--config", config])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("anna@example.org: removed 1 message(s), 1 draft(s), 2 audit row(s)"), "\(result.stdout)")
        #expect(result.stdout.contains("removed 2 correction file(s)"))
        #expect(result.stdout.contains(annaFile) && result.stdout.contains(namingFile))
        #expect(result.stdout.contains("the mail server may still hold 1 copy(ies) of drafts to them"), "\(result.stdout)")
        #expect(result.stdout.contains("  Drafts: Message-ID <reply-1@shop.example>"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: annaFile))
        #expect(!FileManager.default.fileExists(atPath: namingFile))
        #expect(FileManager.default.fileExists(atPath: bobFile))
        #expect(try store.message(rowID: anna) == nil)
        #expect(try store.message(rowID: bob) != nil)
        #expect(try store.lastAcknowledgement(of: "anna@example.org") == nil)

        let again = try TactBinary.run(["forget", "anna@example.org", "--config", config])
        #expect(again.stdout.contains("held nothing about anna@example.org"))
        let bad = try TactBinary.run(["forget", "not an address", "--config", config])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("is not an e-mail address"))
    }

    // MARK: - retention

    @Test func runOncePurgesOldFinishedMailAndKeepsWhatAwaitsAPerson() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-retention")
            defer { directory.remove() }
            let config = try writeTactConfiguration(in: directory.path, dovecot: dovecot, sink: nil, repository: repositoryRoot.path)
            try (try String(contentsOfFile: config, encoding: .utf8) + "\nretention_days = 30\n")
                .write(toFile: config, atomically: true, encoding: .utf8)
            let store = try SQLiteStore(path: directory.path + "/tact.sqlite")
            let finished = try row(store.record(incoming(1, from: "old@example.org"), draft: nil, actor: "daemon"))
            let pending = try row(store.record(incoming(2, from: "waiting@example.org"), draft: draft(to: "waiting@example.org"), actor: "daemon"))
            let recent = try row(store.record(incoming(3, from: "new@example.org"), draft: nil, actor: "daemon"))
            // Make the first two 31 days old.
            let sqlite = try Command.locate(["/usr/bin/sqlite3"], package: "sqlite3")
            let aged = try Command.run(sqlite, [
                directory.path + "/tact.sqlite",
                "UPDATE message SET recorded_at = recorded_at - 31 * 86400 WHERE id IN (\(finished), \(pending)); "
                    + "UPDATE draft SET created_at = created_at - 31 * 86400, updated_at = updated_at - 31 * 86400;",
            ])
            try #require(aged.status == 0, "\(aged.stderr)")
            let run = try TactBinary.run(["run", "--once", "--config", config])
            #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains("retention: deleted 1 message(s), 0 draft(s) older than 30 days"), "\(run.stdout)")
            #expect(try store.message(rowID: finished) == nil)
            #expect(try store.message(rowID: pending) != nil)
            #expect(try store.drafts(in: .queued).count == 1)
            #expect(try store.message(rowID: recent) != nil)
            // Nothing more the next time.
            let next = try TactBinary.run(["run", "--once", "--config", config])
            #expect(!next.stdout.contains("retention:"))
        }
    }
}

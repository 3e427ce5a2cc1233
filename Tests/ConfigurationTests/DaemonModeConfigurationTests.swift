import Configuration
import Foundation
import Testing

/// `mode`, `auto_min_confidence`, `drafts_folder`, `mark_queued` and `[daemon] use_idle`: defaults,
/// and every bad value refused with its key path and the fix.
@Suite struct DaemonModeConfigurationTests {
    func toml(mailbox extra: String = "", daemon: String = "") -> String {
        """
        [[mailbox]]
        name = "support"
        host = "imap.example.com"
        user = "support@example.com"
        password_file = "/etc/tact/pw"
        own_addresses = ["support@example.com"]
        \(extra)

        [daemon]
        \(daemon)
        """
    }

    func parse(_ text: String) throws -> TactConfiguration {
        try TactConfiguration.parse(toml: text, source: "tact.toml", environment: [:])
    }

    func rejection(_ text: String) throws -> ConfigurationError {
        do {
            _ = try TactConfiguration.parse(toml: text, source: "tact.toml", environment: [:])
        } catch let error {
            return error
        }
        throw ConfigurationErrorExpected()
    }

    struct ConfigurationErrorExpected: Error {}

    @Test func defaultsQueueForReviewWatchWithIdleAndLeaveTheServerAlone() throws {
        let configuration = try parse(toml())
        let mailbox = try #require(configuration.mailboxes.first)
        #expect(mailbox.mode == .review)
        #expect(mailbox.markQueued == false)
        #expect(mailbox.draftsFolder == "Drafts")
        #expect(mailbox.autoMinConfidence == 0.85)
        #expect(configuration.daemon.useIdle)
    }

    @Test func everySettingIsRead() throws {
        let configuration = try parse(toml(
            mailbox: "mode = \"drafts-folder\"\nmark_queued = true\ndrafts_folder = \"Entwürfe\"\nauto_min_confidence = 1",
            daemon: "use_idle = false\npoll_interval_seconds = 1"))
        let mailbox = try #require(configuration.mailboxes.first)
        #expect(mailbox.mode == .draftsFolder)
        #expect(mailbox.markQueued)
        #expect(mailbox.draftsFolder == "Entwürfe")
        #expect(mailbox.autoMinConfidence == 1.0)
        #expect(!configuration.daemon.useIdle)
        #expect(configuration.daemon.pollIntervalSeconds == 1)
        #expect(try parse(toml(mailbox: "mode = \"auto\"")).mailboxes.first?.mode == .auto)
    }

    @Test(arguments: [
        ("mode = \"automatic\"", "mailbox[1].mode", "\"review\""),
        ("mode = 1", "mailbox[1].mode", "write it as"),
        ("auto_min_confidence = 0.2", "mailbox[1].auto_min_confidence", "between 0.5 and 1.0"),
        ("auto_min_confidence = 1.5", "mailbox[1].auto_min_confidence", "between 0.5 and 1.0"),
        ("auto_min_confidence = \"high\"", "mailbox[1].auto_min_confidence", "0.85 (no quotes)"),
        ("drafts_folder = \"\"", "mailbox[1].drafts_folder", "\"Drafts\""),
        ("drafts_folder = \"Drafts\\nA1 DELETE INBOX\"", "mailbox[1].drafts_folder", "\"Drafts\""),
        ("mark_queued = \"yes\"", "mailbox[1].mark_queued", "true (no quotes)"),
    ])
    func badMailboxValuesAreRefusedWithTheKeyAndTheFix(line: String, keyPath: String, fix: String) throws {
        let error = try rejection(toml(mailbox: line))
        #expect(error.keyPath == keyPath, "\(error)")
        #expect(error.fix.contains(fix), "\(error)")
        #expect(!error.fix.isEmpty)
    }

    @Test(arguments: [
        ("use_idle = \"yes\"", "daemon.use_idle"),
        ("poll_interval_seconds = 0", "daemon.poll_interval_seconds"),
        ("use_idel = true", "daemon.use_idel"),
    ])
    func badDaemonValuesAreRefusedWithTheKey(line: String, keyPath: String) throws {
        let error = try rejection(toml(daemon: line))
        #expect(error.keyPath == keyPath, "\(error)")
        #expect(!error.fix.isEmpty)
    }
}

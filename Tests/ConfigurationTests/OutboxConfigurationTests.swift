import Configuration
import Foundation
import Testing

/// `sent_folder`, `bounce_address` and the envelope sender of replies.
@Suite struct OutboxConfigurationTests {
    func mailbox(_ extra: String, smtp: String = "[smtp]\nhost = \"smtp.example.com\"\n") -> String {
        """
        \(smtp)
        [[mailbox]]
        name = "support"
        host = "imap.example.com"
        user = "support@example.com"
        password_file = "/etc/tact/pw"
        own_addresses = ["support@example.com", "help@example.com"]
        \(extra)

        """
    }

    func parse(_ toml: String) throws -> MailboxConfiguration {
        try #require(try TactConfiguration.parse(toml: toml, source: "tact.toml", environment: [:]).mailboxes.first)
    }

    func rejection(_ toml: String) -> ConfigurationError? {
        do {
            _ = try TactConfiguration.parse(toml: toml, source: "tact.toml", environment: [:])
            Issue.record("expected the configuration to be rejected")
            return nil
        } catch {
            return error
        }
    }

    @Test func sentFolderDefaultsToSentAndAnEmptyOneTurnsItOff() throws {
        #expect(try parse(mailbox("")).sentFolder == "Sent")
        #expect(try parse(mailbox("sent_folder = \"Sent Items\"")).sentFolder == "Sent Items")
        #expect(try parse(mailbox("sent_folder = \"\"")).sentFolder == nil)
        let error = try #require(rejection(mailbox("sent_folder = \"Sent\\nA1 DELETE INBOX\"")))
        #expect(error.keyPath == "mailbox[1].sent_folder")
        #expect(error.fix.contains("\"\" to keep no copy"))
        let wrongType = try #require(rejection(mailbox("sent_folder = false")))
        #expect(wrongType.keyPath == "mailbox[1].sent_folder")
    }

    @Test func repliesBounceToTheReplyAddressUnlessABounceAddressIsSet() throws {
        #expect(try parse(mailbox("")).replyEnvelopeSender == "support@example.com")
        #expect(try parse(mailbox("reply_from = \"help@example.com\"")).replyEnvelopeSender == "help@example.com")
        let explicit = mailbox("", smtp: "[smtp]\nhost = \"smtp.example.com\"\nenvelope_sender = \"mta@example.com\"\n")
        #expect(try parse(explicit).replyEnvelopeSender == "mta@example.com")
        let bounce = try parse(mailbox("bounce_address = \"bounces@example.com\""))
        #expect(bounce.bounceAddress == "bounces@example.com")
        #expect(bounce.replyEnvelopeSender == "bounces@example.com")
        let error = try #require(rejection(mailbox("bounce_address = \"Bounces <bounces@example.com>\"")))
        #expect(error.keyPath == "mailbox[1].bounce_address")
        #expect(error.description.contains("not a plain e-mail address"))
        #expect(error.fix.contains("local@domain"))
    }
}

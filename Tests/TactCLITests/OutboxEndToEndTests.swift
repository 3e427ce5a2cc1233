import Foundation
import MailParsing
import Store
import TactTestSupport
import Testing

/// From a delivered mail to a sent reply and its bounce, through the `tact` binary only, against a
/// real Dovecot and SMTP sink.
@Suite struct OutboxEndToEndTests {
    static func rfc2822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    static func crlf(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    @Test func deliveredApprovedSentFiledThenBouncedAndNotAcknowledgedAgain() async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-e2e-outbox")
            defer { directory.remove() }
            let sink = try SMTPSink()
            defer { sink.stop() }
            let config = try writeTactConfiguration(
                in: directory.path, dovecot: dovecot, sink: sink, repository: repositoryRoot.path)
            let store = directory.url.appendingPathComponent("tact.sqlite").path
            try dovecot.deliver(
                Self.crlf(
                    """
                    From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg.mueller@example.net>
                    To: support@shop.example
                    Subject: =?UTF-8?Q?R=C3=BCckerstattung_f=C3=BCr_den_Wasserkocher?=
                    Date: \(Self.rfc2822(Date()))
                    Message-ID: <e2e-umlaut@example.net>
                    MIME-Version: 1.0
                    Content-Type: text/plain; charset=utf-8

                    Hello, the kettle from order 5521-90 broke after two days. I would like a refund please.

                    Jörg

                    """))
            let first = try TactBinary.run(["run", "--once", "--config", config, "--backfill", "2026-01-01"])
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(first.stdout.contains("1 drafted"), "\(first.stdout)")
            let queued = try #require(try SQLiteStore(path: store).drafts(in: .queued).first)
            let approve = try TactBinary.run(["queue", "approve", String(queued.id), "--config", config, "--as", "maria"])
            #expect(approve.status == 0, "\(approve.stdout)\(approve.stderr)")
            let second = try TactBinary.run(["run", "--once", "--config", config])
            #expect(second.stdout.contains("draft \(queued.id): sent"), "\(second.stdout)\(second.stderr)")
            _ = try TactBinary.run(["run", "--once", "--config", config])

            // The sink got one reply with the right headers.
            let messages = try sink.messages()
            #expect(messages.count == 1)
            let raw = try #require(messages.first?.raw)
            let reply = try MailParser().parse(raw)
            #expect(reply.inReplyTo == ["e2e-umlaut@example.net"])
            #expect(reply.references == ["e2e-umlaut@example.net"])
            #expect(reply.headerValue("Auto-Submitted") == "auto-replied")
            #expect(reply.subject == "Re: Rückerstattung für den Wasserkocher")
            #expect(String(decoding: raw, as: UTF8.self).lowercased().contains("subject: =?utf-8?"))
            // The original is \Answered and not \Seen; one copy in Sent (read by Dovecot itself).
            let flags = try dovecot.flags(uid: 1)
            #expect(flags.contains("\\Answered") && !flags.contains("\\Seen"), "\(flags)")
            let replyID = try #require(queued.draft.replyMessageID).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            #expect(try dovecot.search(["header", "Message-ID", replyID], mailbox: "Sent").count == 1)
            #expect(try dovecot.search(["all"], mailbox: "Sent").count == 1)

            // Jörg's server refuses it: the delivery report marks the draft bounced.
            try dovecot.deliver(
                Self.crlf(
                    """
                    Return-Path: <>
                    From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
                    To: support@shop.example
                    Subject: Undelivered Mail Returned to Sender
                    Date: \(Self.rfc2822(Date()))
                    Message-ID: <e2e-dsn@mx.example.net>
                    MIME-Version: 1.0
                    Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

                    --b1
                    Content-Type: text/plain

                    Your message could not be delivered.

                    --b1
                    Content-Type: message/delivery-status

                    Reporting-MTA: dns; mx.example.net

                    Final-Recipient: rfc822; joerg.mueller@example.net
                    Action: failed
                    Status: 5.2.1
                    Diagnostic-Code: smtp; 550 5.2.1 Mailbox disabled

                    --b1
                    Content-Type: text/rfc822-headers

                    Message-ID: <\(replyID)>
                    From: support@shop.example
                    To: joerg.mueller@example.net

                    --b1--

                    """))
            let third = try TactBinary.run(["run", "--once", "--config", config])
            #expect(third.stdout.contains("1 suppressed"), "\(third.stdout)\(third.stderr)")
            #expect(try SQLiteStore(path: store).draft(id: queued.id)?.state == .bounced)

            // Jörg writes again from the same address: recorded, not acknowledged, and explained.
            try dovecot.deliver(
                Self.crlf(
                    """
                    From: Jörg <joerg.mueller@example.net>
                    To: support@shop.example
                    Subject: Still no refund
                    Date: \(Self.rfc2822(Date()))
                    Message-ID: <e2e-later@example.net>

                    Hello, I am still waiting for the refund for order 5521-90. Please help.

                    """))
            let fourth = try TactBinary.run(["run", "--once", "--config", config])
            #expect(fourth.stdout.contains("1 skipped"), "\(fourth.stdout)\(fourth.stderr)")
            #expect(try SQLiteStore(path: store).drafts(in: .queued).isEmpty)
            let explain = try TactBinary.run(["explain", "e2e-later@example.net", "--store", store])
            #expect(explain.status == 0, "\(explain.stderr)")
            #expect(explain.stdout.contains("not answered: address bounced our reply of 20"), "\(explain.stdout)")
            let bouncedDraft = try TactBinary.run(["explain", "e2e-umlaut@example.net", "--store", store])
            #expect(bouncedDraft.stdout.contains("now bounced"), "\(bouncedDraft.stdout)")
            #expect(bouncedDraft.stdout.contains("append-to-sent"), "\(bouncedDraft.stdout)")
            #expect(bouncedDraft.stdout.contains("flag-answered"), "\(bouncedDraft.stdout)")
            #expect(try sink.messages().count == 1)
        }
    }
}

import Configuration
import Foundation
import MailParsing
import Store
import TactTestSupport
import Testing

@testable import Daemon

/// The outbox against a real SMTP sink (aiosmtpd on loopback).
@Suite struct OutboxTests {
    let now = Date()

    /// A store holding one approved draft for demo mail 02 (Liam's refund), and a configuration
    /// whose SMTP server is `sink`.
    func setUp(_ directory: TemporaryDirectory, sink: SMTPSink) throws -> (SQLiteStore, Outbox, Int64) {
        let configuration = try TactConfiguration.parse(
            toml: """
                [smtp]
                host = "127.0.0.1"
                port = \(sink.port)
                security = "plain"
                envelope_sender = "bounces@shop.example"

                [[mailbox]]
                name = "support"
                host = "127.0.0.1"
                security = "plain"
                user = "test"
                password_file = "/nonexistent"
                own_addresses = ["support@shop.example"]
                agent_name = "Marta Keller"
                team_name = "Shop Support"
                """,
            source: "outbox-test.toml", environment: [:])
        let (processor, store) = try makeProcessor(in: directory)
        guard case .recorded(.drafted, _, let draftID?, _) = try processor.process(
            try demoMail("02-refund.eml"), at: MessageLocation(mailbox: "support", uidValidity: 1, uid: 1), arrival: now, now: now)
        else { throw TestSupportError("the demo mail was not drafted") }
        try store.transition(draft: draftID, from: .queued, to: .approved, actor: "maria", reason: nil)
        return (store, Outbox(store: store, configuration: configuration), draftID)
    }

    @Test func anApprovedReplyIsSentOnceWithTheRightHeaders() throws {
        let directory = try TemporaryDirectory(prefix: "tact-outbox")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let (store, outbox, id) = try setUp(directory, sink: sink)
        let results = try outbox.sendApproved()
        guard case .sent(id, let reply)? = results.first else {
            Issue.record("expected sent, got \(results)")
            return
        }
        #expect(reply.hasPrefix("250"))
        #expect(try outbox.sendApproved().isEmpty)
        let messages = try sink.messages()
        #expect(messages.count == 1)
        #expect(messages.first?.mailFrom == "bounces@shop.example")
        #expect(messages.first?.recipients == ["liam.obrien@example.net"])
        let sent = try MailParser().parse(try #require(messages.first?.raw))
        #expect(sent.inReplyTo == ["demo-02@example.net"])
        #expect(sent.headerValue("Auto-Submitted") == "auto-replied")
        #expect(sent.subject == "Re: Refund for the broken kettle")
        #expect(sent.from?.address == "support@shop.example")
        #expect(sent.body.hasPrefix("Hi Liam,"))
        #expect(try store.draft(id: id)?.state == .sent)
    }

    @Test func aTemporaryRefusalIsRetriedAndThenSentOnce() throws {
        let directory = try TemporaryDirectory(prefix: "tact-outbox")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let (store, outbox, id) = try setUp(directory, sink: sink)
        try sink.answer(.rcpt, code: 451, text: "4.3.0 try again later")
        #expect(try outbox.sendApproved().first.map { if case .retryLater = $0 { true } else { false } } == true)
        #expect(try store.draft(id: id)?.state == .approved)
        try sink.acceptEverything()
        #expect(try outbox.sendApproved().first.map { if case .sent = $0 { true } else { false } } == true)
        #expect(try sink.messages().count == 1)
    }

    @Test func aPermanentRefusalFailsWithTheServersText() throws {
        let directory = try TemporaryDirectory(prefix: "tact-outbox")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let (store, outbox, id) = try setUp(directory, sink: sink)
        try sink.answer(.rcpt, code: 550, text: "5.1.1 no such user")
        _ = try outbox.sendApproved()
        let draft = try #require(try store.draft(id: id))
        #expect(draft.state == .failed)
        #expect(draft.stateReason?.contains("5.1.1 no such user") == true)
        #expect(try outbox.sendApproved().isEmpty)
    }

    @Test func aSinkThatIsDownIsRetriedUntilItIsBack() throws {
        let directory = try TemporaryDirectory(prefix: "tact-outbox")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let (store, outbox, id) = try setUp(directory, sink: sink)
        sink.stop()
        _ = try outbox.sendApproved()
        #expect(try store.draft(id: id)?.state == .approved)
        try sink.start()
        _ = try outbox.sendApproved()
        #expect(try store.draft(id: id)?.state == .sent)
        #expect(try sink.messages().count == 1)
    }

    @Test func aConnectionLostAfterTheDataIsNeverResentByItself() throws {
        let directory = try TemporaryDirectory(prefix: "tact-outbox")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let (store, outbox, id) = try setUp(directory, sink: sink)
        try sink.dropConnection(at: .data)
        let first = try outbox.sendApproved()
        #expect(try store.draft(id: id)?.state == .outcomeUnknown, "\(first)")
        try sink.acceptEverything()
        #expect(try outbox.sendApproved().isEmpty)
        #expect(try sink.messages().isEmpty)
    }

    @Test func aCrashWhileSendingLeavesTheOutcomeUnknownNotASecondCopy() throws {
        let directory = try TemporaryDirectory(prefix: "tact-outbox")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let (store, outbox, id) = try setUp(directory, sink: sink)
        // What a crash right after the SMTP data leaves behind: the draft still marked sending.
        try store.transition(draft: id, from: .approved, to: .sending, actor: "outbox", reason: nil)
        #expect(try outbox.sendApproved().isEmpty)
        let draft = try #require(try store.draft(id: id))
        #expect(draft.state == .outcomeUnknown)
        #expect(draft.stateReason?.contains("tact queue retry") == true)
        #expect(try sink.messages().isEmpty)
    }

    @Test func aCustomerWhoWroteAgainGetsNoStaleReply() throws {
        let directory = try TemporaryDirectory(prefix: "tact-outbox")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let (store, outbox, id) = try setUp(directory, sink: sink)
        _ = try store.record(
            IncomingMessage(
                mailbox: "support", uidValidity: 1, uid: 2, messageID: "<later@example.net>", sender: "liam.obrien@example.net",
                subject: "Also the lid is broken", receivedAt: Date(), outcome: .rateLimited, reason: "sender-window"),
            draft: nil, actor: "daemon")
        guard case .superseded(id, let reason)? = try outbox.sendApproved().first else {
            Issue.record("expected superseded")
            return
        }
        #expect(reason.contains("wrote again"))
        #expect(try store.draft(id: id)?.state == .superseded)
        #expect(try sink.messages().isEmpty)
    }
}

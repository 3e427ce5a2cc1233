import Configuration
import Foundation
import MailParsing
import MailTransport
import Store
import TactTestSupport
import Testing

@testable import Daemon

/// The outbox against a real IMAP server (Dovecot) and SMTP sink (aiosmtpd), both on loopback.
@Suite struct OutboxTests {
    let now = Date()

    /// One customer mail delivered to Dovecot's INBOX, processed into a draft and approved.
    struct Setup {
        let store: SQLiteStore
        let outbox: Outbox
        let processor: MessageProcessor
        let draftID: Int64
        /// Where the customer's mail is on the server.
        let uidValidity: UInt32
        let uid: UInt32
    }

    /// A store holding one approved draft for `mail` (default: demo mail 02, Liam's refund), which
    /// sits in Dovecot's INBOX; the configuration's IMAP server is `dovecot`, its SMTP server `sink`.
    func setUp(
        _ directory: TemporaryDirectory, dovecot: Dovecot, sink: SMTPSink, mail: Data? = nil, mailboxExtra: String = "",
        draftedAt: Date? = nil
    ) async throws -> Setup {
        let secret = directory.path + "/imap-password"
        try dovecot.password.write(toFile: secret, atomically: true, encoding: .utf8)
        let configuration = try TactConfiguration.parse(
            toml: """
                # The drafting hours of `makeProcessor`: promises are read and renewed in them.
                [drafting]
                time_zone = "Europe/Berlin"

                [smtp]
                host = "127.0.0.1"
                port = \(sink.port)
                security = "plain"
                envelope_sender = "bounces@shop.example"

                [[mailbox]]
                name = "support"
                host = "127.0.0.1"
                port = \(dovecot.plainPort)
                security = "plain"
                user = "\(dovecot.user)"
                password_file = "\(secret)"
                own_addresses = ["support@shop.example"]
                agent_name = "Marta Keller"
                team_name = "Shop Support"
                \(mailboxExtra)
                """,
            source: "outbox-test.toml", environment: [:])
        try dovecot.deliver(Array(try mail ?? demoMail("02-refund.eml")))
        let session = IMAPSession(endpoint: dovecot.endpoint(.plaintext), credentials: dovecot.credentials())
        let status = try await session.select("INBOX")
        let uid = try #require(try await session.uids(above: 0).last)
        await session.close()
        let (processor, store) = try makeProcessor(in: directory)
        let result = try processor.process(
            try mail ?? demoMail("02-refund.eml"),
            at: MessageLocation(mailbox: "support", uidValidity: status.uidValidity, uid: uid),
            arrival: draftedAt ?? now, now: draftedAt ?? now)
        guard case .recorded(.drafted, _, let draftID?, _) = result else {
            throw TestSupportError("the mail was not drafted: \(result)")
        }
        try store.transition(draft: draftID, from: .queued, to: .approved, actor: "maria", reason: nil)
        return Setup(
            store: store, outbox: Outbox(store: store, configuration: configuration), processor: processor,
            draftID: draftID, uidValidity: status.uidValidity, uid: uid)
    }

    /// Runs `body` with a fresh Dovecot, SMTP sink and temporary directory.
    func withServers(_ body: (Dovecot, SMTPSink, TemporaryDirectory) async throws -> Void) async throws {
        try await withDovecot { dovecot in
            let directory = try TemporaryDirectory(prefix: "tact-outbox")
            defer { directory.remove() }
            let sink = try SMTPSink()
            defer { sink.stop() }
            try await body(dovecot, sink, directory)
        }
    }

    func sentCopies(_ dovecot: Dovecot, _ draft: StoredDraft?) throws -> [UInt32] {
        let id = try #require(draft?.draft.replyMessageID).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        return try dovecot.search(["header", "Message-ID", id], mailbox: "Sent")
    }

    func isSent(_ result: Outbox.Result?) -> Bool { if case .sent = result { true } else { false } }

    /// A customer mail with a non-ASCII subject that continues an older thread we never saw.
    static let umlautMail = Data(
        """
        From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg.mueller@example.net>
        To: support@shop.example
        Subject: =?UTF-8?Q?R=C3=BCckerstattung_f=C3=BCr_den_Wasserkocher?=
        Date: Mon, 23 Nov 2026 07:55:02 +0000
        Message-ID: <umlaut-1@example.net>
        References: <older-1@example.net>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8

        Hello,

        The kettle from order 5521-90 broke after two days. I would like a refund please.

        Thanks,
        Jörg

        """.replacingOccurrences(of: "\n", with: "\r\n").utf8)

    @Test func aReplyWhosePromiseHasPassedGoesOutWithANewFuturePromise() async throws {
        try await withServers { dovecot, sink, directory in
            // Drafted ten days ago, approved, and only now sent: its promise lies in the past.
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink, draftedAt: now.addingTimeInterval(-10 * 86_400))
            let before = try #require(try setup.store.draft(id: setup.draftID))
            let oldPromise = try #require(before.draft.promisedBy)
            #expect(oldPromise < now)
            guard case .sent? = try await setup.outbox.sendApproved().first else {
                Issue.record("expected the reply to be sent")
                return
            }
            let after = try #require(try setup.store.draft(id: setup.draftID))
            let newPromise = try #require(after.draft.promisedBy)
            #expect(newPromise > Date(), "the promise sent must lie in the future")
            #expect(after.draft.body != before.draft.body)
            // What the customer received carries the new promise, not the old one.
            let hours = setup.outbox.configuration.drafting.businessHours
            let raw = try #require(try sink.messages().first?.raw)
            let text = try MailParser().parse(raw).text.ownWords
            #expect(before.draft.body.contains(hours.format(oldPromise)))
            #expect(text.contains(hours.format(newPromise)), "\(text)")
            #expect(!text.contains(hours.format(oldPromise)), "\(text)")
        }
    }

    /// A past promise that a person reworded cannot be renewed in the text: the reply is not sent
    /// with it, but goes back to the queue saying what to change.
    @Test func aPastPromiseInWordsTactCannotUpdateGoesBackToTheQueueUnsent() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink, draftedAt: now.addingTimeInterval(-10 * 86_400))
            // An agent rewrote the promise in their own words before approving.
            try setup.store.transition(draft: setup.draftID, from: .approved, to: .queued, actor: "maria", reason: nil)
            var edited = try #require(try setup.store.draft(id: setup.draftID)).draft
            let hours = setup.outbox.configuration.drafting.businessHours
            let oldPromise = try #require(edited.promisedBy)
            edited.body = edited.body.replacingOccurrences(of: "by \(hours.format(oldPromise))", with: "very soon after the weekend")
            #expect(!edited.body.contains(hours.format(oldPromise)))
            _ = try setup.store.revise(draft: setup.draftID, to: edited, category: "refund", actor: "maria", detail: "edited by hand")
            try setup.store.transition(draft: setup.draftID, from: .queued, to: .approved, actor: "maria", reason: nil)

            guard case .requeued(setup.draftID, let reason)? = try await setup.outbox.sendApproved().first else {
                Issue.record("expected the reply to go back to the queue")
                return
            }
            #expect(reason.contains(hours.format(oldPromise)))
            #expect(reason.contains("tact queue edit \(setup.draftID)"))
            let after = try #require(try setup.store.draft(id: setup.draftID))
            #expect(after.state == .queued)
            #expect(after.draft.body == edited.body)
            #expect(try sink.messages().isEmpty, "nothing may be sent")
            #expect(try setup.store.auditTrail(messageRowID: after.messageRowID).contains { $0.detail == reason })
        }
    }

    @Test func anApprovedReplyIsSentOnceFiledInSentAndTheOriginalFlaggedAnswered() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink, mail: Self.umlautMail)
            let results = try await setup.outbox.sendApproved()
            guard case .sent(setup.draftID, let reply)? = results.first else {
                Issue.record("expected sent, got \(results)")
                return
            }
            #expect(reply.hasPrefix("250"))
            #expect(try await setup.outbox.sendApproved().isEmpty)
            let messages = try sink.messages()
            #expect(messages.count == 1)
            #expect(messages.first?.mailFrom == "bounces@shop.example")
            #expect(messages.first?.recipients == ["joerg.mueller@example.net"])
            let raw = try #require(messages.first?.raw)
            let sent = try MailParser().parse(raw)
            #expect(sent.inReplyTo == ["umlaut-1@example.net"])
            #expect(sent.references == ["older-1@example.net", "umlaut-1@example.net"])
            #expect(sent.headerValue("Auto-Submitted") == "auto-replied")
            #expect(sent.subject == "Re: Rückerstattung für den Wasserkocher")
            let subjectLine = String(decoding: raw, as: UTF8.self).split(separator: "\r\n").first { $0.hasPrefix("Subject:") }
            #expect(subjectLine?.lowercased().contains("=?utf-8?") == true, "the subject must be RFC 2047 encoded: \(subjectLine ?? "")")
            #expect(subjectLine?.allSatisfy(\.isASCII) == true)
            #expect(sent.from?.address == "support@shop.example")
            let draft = try setup.store.draft(id: setup.draftID)
            #expect(draft?.state == .sent)
            // After sending: \Answered, never \Seen, read by Dovecot itself; one copy in Sent.
            let flags = try dovecot.flags(uid: setup.uid)
            #expect(flags.contains("\\Answered"))
            #expect(!flags.contains("\\Seen"))
            let copies = try sentCopies(dovecot, draft)
            #expect(copies.count == 1)
            #expect(try dovecot.flags(uid: try #require(copies.first), mailbox: "Sent").contains("\\Seen"))
            #expect(try setup.store.pendingPostSendSteps().isEmpty)
            let actions = try setup.store.auditTrail(messageRowID: try #require(draft).messageRowID).map(\.action)
            #expect(actions.suffix(3) == ["sent", "append-to-sent", "flag-answered"], "\(actions)")
        }
    }

    @Test func aCrashAfterTheCopyIsFiledReplaysWithoutASecondCopy() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            struct Crash: Error {}
            var crashing = setup.outbox
            crashing.afterServerStep = { kind in if kind == .appendToSent { throw Crash() } }
            await #expect(throws: Crash.self) { _ = try await crashing.sendApproved() }
            // The copy is in Sent, but the store does not know: both steps are still pending.
            let draft = try setup.store.draft(id: setup.draftID)
            #expect(draft?.state == .sent)
            #expect(try sentCopies(dovecot, draft).count == 1)
            #expect(Set(try setup.store.pendingPostSendSteps().map(\.kind)) == [.appendToSent, .flagAnswered])
            #expect(!(try dovecot.flags(uid: setup.uid)).contains("\\Answered"))
            // The crashed pass still holds the append for a while: nothing is done twice meanwhile.
            #expect(try await setup.outbox.sendApproved().isEmpty)
            #expect(try setup.store.pendingPostSendSteps().map(\.kind) == [.appendToSent])
            // Once its claim ran out, a pass replays it: the copy is found by its Message-ID, not appended again.
            let later = Date().addingTimeInterval(Outbox.stepClaimSeconds + 1)
            #expect(try await setup.outbox.sendApproved(now: { later }).isEmpty)
            #expect(try sentCopies(dovecot, draft).count == 1)
            #expect(try dovecot.search(["all"], mailbox: "Sent").count == 1)
            #expect(try dovecot.flags(uid: setup.uid).contains("\\Answered"))
            #expect(try setup.store.pendingPostSendSteps().isEmpty)
            let trail = try setup.store.auditTrail(messageRowID: try #require(draft).messageRowID)
            #expect(trail.contains { $0.action == "append-to-sent" && $0.detail?.hasPrefix("already in Sent") == true })
            #expect(try sink.messages().count == 1)
        }
    }

    @Test func aFailingServerStepIsRecordedAndRetriedButNeverResends() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            var outage = setup.outbox
            // The IMAP server goes down right after the copy is filed: flagging the original fails.
            outage.afterServerStep = { kind in if kind == .appendToSent { try dovecot.stop() } }
            #expect(isSent(try await outage.sendApproved().first))
            let pending = try setup.store.pendingPostSendSteps()
            #expect(pending.map(\.kind) == [.flagAnswered])
            #expect(pending.first?.attempts == 1)
            let draft = try #require(try setup.store.draft(id: setup.draftID))
            let failure = try setup.store.auditTrail(messageRowID: draft.messageRowID).last
            #expect(failure?.action == "flag-answered failed")
            #expect(failure?.detail?.contains("tried again on the next outbox pass") == true)
            // Still down: tried again, still pending, nothing resent.
            #expect(try await setup.outbox.sendApproved().isEmpty)
            #expect(try setup.store.pendingPostSendSteps().first?.attempts == 2)
            try dovecot.start()
            #expect(try await setup.outbox.sendApproved().isEmpty)
            #expect(try setup.store.pendingPostSendSteps().isEmpty)
            #expect(try dovecot.flags(uid: setup.uid).contains("\\Answered"))
            #expect(try sentCopies(dovecot, draft).count == 1)
            #expect(try sink.messages().count == 1)
            #expect(try setup.store.draft(id: setup.draftID)?.state == .sent)
        }
    }

    @Test func noCopyIsFiledWhenSentFolderIsOff() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink, mailboxExtra: "sent_folder = \"\"")
            #expect(isSent(try await setup.outbox.sendApproved().first))
            #expect(try dovecot.search(["all"], mailbox: "Sent").isEmpty)
            #expect(try dovecot.flags(uid: setup.uid).contains("\\Answered"))
            #expect(try setup.store.pendingPostSendSteps().isEmpty)
        }
    }

    @Test func aBounceAddressBecomesTheEnvelopeSender() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(
                directory, dovecot: dovecot, sink: sink, mailboxExtra: "bounce_address = \"returns@shop.example\"")
            #expect(isSent(try await setup.outbox.sendApproved().first))
            #expect(try sink.messages().first?.mailFrom == "returns@shop.example")
        }
    }

    @Test func aTemporaryRefusalIsRetriedAndThenSentOnce() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            try sink.answer(.rcpt, code: 451, text: "4.3.0 try again later")
            #expect(try await setup.outbox.sendApproved().first.map { if case .retryLater = $0 { true } else { false } } == true)
            #expect(try setup.store.draft(id: setup.draftID)?.state == .approved)
            #expect(!(try dovecot.flags(uid: setup.uid)).contains("\\Answered"))
            try sink.acceptEverything()
            #expect(isSent(try await setup.outbox.sendApproved().first))
            #expect(try sink.messages().count == 1)
            #expect(try sentCopies(dovecot, try setup.store.draft(id: setup.draftID)).count == 1)
        }
    }

    @Test func aPermanentRefusalFailsWithTheServersText() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            try sink.answer(.rcpt, code: 550, text: "5.1.1 no such user")
            _ = try await setup.outbox.sendApproved()
            let draft = try #require(try setup.store.draft(id: setup.draftID))
            #expect(draft.state == .failed)
            #expect(draft.stateReason?.contains("5.1.1 no such user") == true)
            #expect(try await setup.outbox.sendApproved().isEmpty)
            #expect(!(try dovecot.flags(uid: setup.uid)).contains("\\Answered"))
            #expect(try dovecot.search(["all"], mailbox: "Sent").isEmpty)
        }
    }

    @Test func aSinkThatIsDownIsRetriedUntilItIsBack() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            sink.stop()
            _ = try await setup.outbox.sendApproved()
            #expect(try setup.store.draft(id: setup.draftID)?.state == .approved)
            try sink.start()
            _ = try await setup.outbox.sendApproved()
            #expect(try setup.store.draft(id: setup.draftID)?.state == .sent)
            #expect(try sink.messages().count == 1)
        }
    }

    @Test func anIMAPServerThatIsDownHoldsTheReplyBack() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            try dovecot.stop()
            // Whether a colleague answered cannot be checked: the reply waits rather than risk it.
            guard case .retryLater(_, let reason)? = try await setup.outbox.sendApproved().first else {
                Issue.record("expected retryLater")
                return
            }
            #expect(reason.contains("colleague"))
            #expect(try setup.store.draft(id: setup.draftID)?.state == .approved)
            #expect(try sink.messages().isEmpty)
            try dovecot.start()
            #expect(isSent(try await setup.outbox.sendApproved().first))
            #expect(try sink.messages().count == 1)
        }
    }

    @Test func aConnectionLostAfterTheDataIsNeverResentByItself() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            try sink.dropConnection(at: .data)
            let first = try await setup.outbox.sendApproved()
            #expect(try setup.store.draft(id: setup.draftID)?.state == .outcomeUnknown, "\(first)")
            try sink.acceptEverything()
            #expect(try await setup.outbox.sendApproved().isEmpty)
            #expect(try sink.messages().isEmpty)
            #expect(try setup.store.pendingPostSendSteps().isEmpty)
        }
    }

    @Test func aCrashWhileSendingLeavesTheOutcomeUnknownNotASecondCopy() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            // What a crash right after the SMTP data leaves behind: the draft still marked sending.
            try setup.store.transition(draft: setup.draftID, from: .approved, to: .sending, actor: "outbox", reason: nil)
            #expect(try await setup.outbox.sendApproved().isEmpty)
            let draft = try #require(try setup.store.draft(id: setup.draftID))
            #expect(draft.state == .outcomeUnknown)
            #expect(draft.stateReason?.contains("tact queue retry") == true)
            #expect(try sink.messages().isEmpty)
            #expect(try dovecot.search(["all"], mailbox: "Sent").isEmpty)
        }
    }

    @Test func aCustomerWhoWroteAgainGetsNoStaleReply() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            _ = try setup.store.record(
                IncomingMessage(
                    mailbox: "support", uidValidity: 1, uid: 2, messageID: "<later@example.net>",
                    sender: "liam.obrien@example.net", subject: "Also the lid is broken", receivedAt: Date(),
                    outcome: .rateLimited, reason: "sender-window"),
                draft: nil, actor: "daemon")
            guard case .superseded(setup.draftID, let reason)? = try await setup.outbox.sendApproved().first else {
                Issue.record("expected superseded")
                return
            }
            #expect(reason.contains("wrote again"))
            #expect(try setup.store.draft(id: setup.draftID)?.state == .superseded)
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test func aColleagueWhoFlaggedTheOriginalAnsweredSupersedesTheDraft() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            // A colleague answered from their mail client, which flagged the original.
            let client = IMAPSession(endpoint: dovecot.endpoint(.plaintext), credentials: dovecot.credentials())
            _ = try await client.select("INBOX", readOnly: false)
            try await client.store(uids: [setup.uid], add: ["\\Answered"])
            await client.close()
            guard case .superseded(setup.draftID, let reason)? = try await setup.outbox.sendApproved().first else {
                Issue.record("expected superseded")
                return
            }
            #expect(reason.contains("colleague") && reason.contains("\\Answered"), "\(reason)")
            let draft = try #require(try setup.store.draft(id: setup.draftID))
            #expect(draft.state == .superseded)
            #expect(draft.stateReason == reason)
            #expect(try sink.messages().isEmpty)
            #expect(try dovecot.search(["all"], mailbox: "Sent").isEmpty)
        }
    }

    @Test func aColleaguesReplyInSentSupersedesTheDraft() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            // Their client filed the reply in Sent but did not flag the original.
            try dovecot.deliver(
                Array(
                    ("From: Tom <tom@shop.example>\r\nTo: liam.obrien@example.net\r\nSubject: Re: Refund\r\n"
                        + "Message-ID: <tom-1@shop.example>\r\nIn-Reply-To: <demo-02@example.net>\r\n\r\nRefunded.\r\n").utf8),
                to: "Sent")
            guard case .superseded(setup.draftID, let reason)? = try await setup.outbox.sendApproved().first else {
                Issue.record("expected superseded")
                return
            }
            #expect(reason.contains("a reply to it is in Sent"), "\(reason)")
            #expect(try sink.messages().isEmpty)
            #expect(!(try dovecot.flags(uid: setup.uid)).contains("\\Answered"))
        }
    }

    @Test func aReplyAlreadyInSentIsNotSentAgain() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            // The SMTP server filed an earlier attempt (outcome unknown) in Sent itself, and a person
            // asked for a retry: the copy there shows it was delivered.
            let replyID = try #require(try setup.store.draft(id: setup.draftID)?.draft.replyMessageID)
            try dovecot.deliver(
                Array(
                    ("From: support@shop.example\r\nTo: liam.obrien@example.net\r\nSubject: Re: Refund\r\n"
                        + "Message-ID: \(replyID)\r\nIn-Reply-To: <demo-02@example.net>\r\n\r\nHi Liam,\r\n").utf8),
                to: "Sent")
            guard case .superseded(setup.draftID, let reason)? = try await setup.outbox.sendApproved().first else {
                Issue.record("expected superseded")
                return
            }
            #expect(reason.contains("this reply is already in Sent"), "\(reason)")
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test func aMissingSentFolderIsNamedWithTheSettingToFix() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink, mailboxExtra: "sent_folder = \"Sent Items\"")
            guard case .retryLater(_, let reason)? = try await setup.outbox.sendApproved().first else {
                Issue.record("expected retryLater")
                return
            }
            #expect(reason.contains("sent_folder \"Sent Items\" of mailbox support does not exist"), "\(reason)")
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test func aBounceOfOurReplyMarksItBouncedAndStopsAcknowledgements() async throws {
        try await withServers { dovecot, sink, directory in
            let setup = try await setUp(directory, dovecot: dovecot, sink: sink)
            #expect(isSent(try await setup.outbox.sendApproved().first))
            let replyID = try #require(try setup.store.draft(id: setup.draftID)?.draft.replyMessageID)
            // The customer's server refuses our reply: a DSN comes back to the mailbox.
            let report = bounceReport(of: replyID, recipient: "liam.obrien@example.net")
            let bounced = try setup.processor.process(
                report, at: MessageLocation(mailbox: "support", uidValidity: setup.uidValidity, uid: 90), arrival: now, now: now)
            guard case .recorded(.suppressed, let reportRow, nil, _) = bounced else {
                Issue.record("expected the report to be recorded as suppressed, got \(bounced)")
                return
            }
            let draft = try #require(try setup.store.draft(id: setup.draftID))
            #expect(draft.state == .bounced)
            #expect(draft.stateReason?.contains("5.1.1") == true)
            #expect(try setup.store.message(rowID: reportRow)?.message.reason?.contains("bounced") == true)
            let entry = try #require(try setup.store.bouncedAddress("Liam.OBrien@example.net"))
            #expect(entry.draftID == setup.draftID)
            // Later mail from that address is recorded, not acknowledged, with the reason.
            let later = Data(
                ("From: Liam <liam.obrien@example.net>\r\nTo: support@shop.example\r\nSubject: Any news?\r\n"
                    + "Message-ID: <later-2@example.net>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n\r\n"
                    + "Hello, I am still waiting for my refund for order 5521-88.\r\n").utf8)
            let result = try setup.processor.process(
                later, at: MessageLocation(mailbox: "support", uidValidity: setup.uidValidity, uid: 91),
                arrival: now.addingTimeInterval(30 * 86400), now: now.addingTimeInterval(30 * 86400))
            guard case .recorded(.skipped, _, nil, let reason?) = result else {
                Issue.record("expected skipped without a draft, got \(result)")
                return
            }
            #expect(reason.hasPrefix("address bounced our reply of \(MessageProcessor.day(entry.sentAt))"), "\(reason)")
            #expect(try setup.store.drafts(in: .queued).isEmpty)
        }
    }
}

/// An RFC 3464 delivery report about the message `messageID` sent to `recipient`.
func bounceReport(of messageID: String, recipient: String, status: String = "5.1.1") -> Data {
    Data(
        """
        Return-Path: <>
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: bounces@shop.example
        Subject: Undelivered Mail Returned to Sender
        Date: Mon, 23 Nov 2026 08:05:00 +0000
        Message-ID: <dsn-\(UUID().uuidString)@mx.example.net>
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

        --b1
        Content-Type: text/plain; charset=us-ascii

        Your message could not be delivered.

        --b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Original-Recipient: rfc822; \(recipient)
        Final-Recipient: rfc822; \(recipient)
        Action: failed
        Status: \(status)
        Diagnostic-Code: smtp; 550 \(status) User unknown

        --b1
        Content-Type: text/rfc822-headers

        Message-ID: \(messageID)
        From: support@shop.example
        To: \(recipient)
        Subject: Re: Refund for the broken kettle

        --b1--

        """.replacingOccurrences(of: "\n", with: "\r\n").utf8)
}

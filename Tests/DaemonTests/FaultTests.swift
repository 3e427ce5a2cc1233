import Configuration
import Foundation
import MailParsing
import Store
import TactTestSupport
import Testing

@testable import Daemon

/// Faults around sending and hostile mail through the real pipeline: a real SQLite store in a
/// temporary folder, the shipped classifier, templates and rule pack, and an aiosmtpd sink.
@Suite struct FaultTests {
    let now = Date()

    /// A configuration whose SMTP server is `sink`, with `smtpExtra` added to `[smtp]`.
    /// The outbox asks the IMAP server whether a colleague answered before it sends, so a real
    /// Dovecot stands in for the mailbox.
    func configuration(sink: SMTPSink, dovecot: Dovecot, smtpExtra: String = "") throws -> TactConfiguration {
        let path = try writeTactConfiguration(
            in: dovecot.directory.path, dovecot: dovecot, sink: sink, repository: repository.path,
            smtpSettings: "envelope_sender = \"bounces@shop.example\"\n" + smtpExtra)
        return try TactConfiguration.load(explicitPath: path, environment: [:]).configuration
    }

    /// Processes `raw` as UID `uid` and approves its draft.
    func approvedDraft(_ raw: Data, uid: UInt32, processor: MessageProcessor, store: SQLiteStore) throws -> Int64 {
        guard case .recorded(.drafted, _, let draftID?, _) = try processor.process(
            raw, at: MessageLocation(mailbox: "support", uidValidity: 1, uid: uid), arrival: now, now: now)
        else { throw TestSupportError("the mail was not drafted") }
        try store.transition(draft: draftID, from: .queued, to: .approved, actor: "maria", reason: nil)
        return draftID
    }

    // MARK: - SMTP slow

    @Test func aStallingServerTimesOutAndTheReplyIsRetriedAndSentOnce() async throws {
        let directory = try TemporaryDirectory(prefix: "tact-fault")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let dovecot = try Dovecot()
        defer { dovecot.tearDown() }
        let (processor, store) = try makeProcessor(in: directory)
        let id = try approvedDraft(try demoMail("02-refund.eml"), uid: 1, processor: processor, store: store)
        let outbox = Outbox(store: store, configuration: try configuration(sink: sink, dovecot: dovecot, smtpExtra: "io_timeout_seconds = 1"))
        // The server accepts the connection, then says nothing after MAIL FROM for 8 s.
        try sink.stall(at: .mail, seconds: 8)
        let started = Date()
        let first = try await outbox.sendApproved()
        let waited = Date().timeIntervalSince(started)
        guard case .retryLater(id, let reason)? = first.first else {
            Issue.record("expected a retry after the timeout, got \(first)")
            return
        }
        // A retry, not a send: the 1 s I/O timeout ended the attempt before the server's answer
        // (after 8 s) came. (No wall-clock bound here: on a loaded machine the IMAP check before
        // sending can take seconds, and timing belongs in benchmarks.)
        _ = waited
        #expect(reason.lowercased().contains("time") || reason.contains("127.0.0.1"), "\(reason)")
        #expect(try store.draft(id: id)?.state == .approved)
        #expect(try sink.messages().isEmpty)
        try sink.acceptEverything()
        guard case .sent(id, _)? = try await outbox.sendApproved().first else {
            Issue.record("the retry should send")
            return
        }
        #expect(try sink.messages().count == 1)
        #expect(try await outbox.sendApproved().isEmpty)
    }

    @Test func aServerThatStallsAfterTheDataLeavesTheOutcomeUnknownNeverASecondCopy() async throws {
        let directory = try TemporaryDirectory(prefix: "tact-fault")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let dovecot = try Dovecot()
        defer { dovecot.tearDown() }
        let (processor, store) = try makeProcessor(in: directory)
        let id = try approvedDraft(try demoMail("02-refund.eml"), uid: 1, processor: processor, store: store)
        let outbox = Outbox(store: store, configuration: try configuration(sink: sink, dovecot: dovecot, smtpExtra: "io_timeout_seconds = 1"))
        // The whole message arrives, then no answer comes in time: it may have been accepted.
        try sink.stall(at: .data, seconds: 3)
        _ = try await outbox.sendApproved()
        #expect(try store.draft(id: id)?.state == .outcomeUnknown)
        try sink.acceptEverything()
        #expect(try await outbox.sendApproved().isEmpty)
        // The sink did take that one copy after its stall; there is never a second.
        let deadline = Date().addingTimeInterval(5)
        while try sink.messages().isEmpty && Date() < deadline { usleep(50_000) }
        #expect(try sink.messages().count <= 1)
    }

    // MARK: - Header injection through the pipeline

    /// Base64 of `text` as an RFC 2047 encoded word.
    func encodedWord(_ text: String) -> String {
        "=?utf-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    @Test func lineBreaksHiddenInEncodedWordsNeverReachTheReplyOrTheEnvelope() async throws {
        let directory = try TemporaryDirectory(prefix: "tact-fault")
        defer { directory.remove() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let dovecot = try Dovecot()
        defer { dovecot.tearDown() }
        let (processor, store) = try makeProcessor(in: directory)
        let outbox = Outbox(store: store, configuration: try configuration(sink: sink, dovecot: dovecot))
        let attacks: [(from: String, subject: String)] = [
            // CR LF inside encoded words in the display name and the subject.
            ("\(encodedWord("Eve\r\nBcc: victim@example.com\r\nX-Evil: 1")) <eve@example.org>",
             encodedWord("Refund please\r\nBcc: victim2@example.com")),
            // Raw header folding and a quoted name holding an encoded line break.
            ("\"Eve \(encodedWord("\n"))Bcc: victim@example.com\" <eve2@example.org>",
             "Refund please\r\n Bcc: victim3@example.com"),
            // A name that tries to close the address and add a recipient.
            ("\(encodedWord("Eve <victim@example.com>, Mallory")) <eve3@example.org>",
             encodedWord("Re: refund\nTo: victim4@example.com")),
        ]
        var ids: [Int64] = []
        for (index, attack) in attacks.enumerated() {
            let raw = Data("""
                From: \(attack.from)\r
                To: support@shop.example\r
                Subject: \(attack.subject)\r
                Message-ID: <attack-\(index)@example.org>\r
                Date: Mon, 23 Nov 2026 09:00:00 +0000\r
                MIME-Version: 1.0\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                Hello, I would like a refund for order 1234, the kettle arrived broken.\r
                """.utf8)
            ids.append(try approvedDraft(raw, uid: UInt32(index + 1), processor: processor, store: store))
        }
        let results = try await outbox.sendApproved()
        #expect(results.count == attacks.count)
        let sent = try sink.messages()
        #expect(sent.count == attacks.count, "\(results)")
        for message in sent {
            // The envelope names exactly the sender of the mail, nobody the attacker added.
            #expect(message.recipients.count == 1)
            #expect(message.recipients.allSatisfy { $0.hasPrefix("eve") && $0.hasSuffix("@example.org") }, "\(message.recipients)")
            let raw = String(decoding: message.raw, as: UTF8.self)
            let headerBlock = raw.components(separatedBy: "\r\n\r\n")[0]
            let names = headerBlock.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }
                .map { $0.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? "" }
            #expect(!names.contains("bcc") && !names.contains("x-evil") && !names.contains("cc"), "\(headerBlock)")
            #expect(names.filter { $0 == "to" }.count == 1)
            // An independent parser agrees: one To, no Bcc.
            let parsed = try MailParser().parse(message.raw)
            #expect(parsed.headerValue("Bcc") == nil)
            #expect(parsed.to.count == 1)
        }
    }

    // MARK: - Mail bombs and floods

    @Test func aTwoGigabyteDeclaredSizeIsRecordedAsTooLargeWithoutFetching() throws {
        let directory = try TemporaryDirectory(prefix: "tact-fault")
        defer { directory.remove() }
        let (processor, store) = try makeProcessor(in: directory)
        let location = MessageLocation(mailbox: "support", uidValidity: 1, uid: 1)
        let size = 2 * 1024 * 1024 * 1024 + 17  // past Int32
        guard case .recorded(.unreadable, let row, nil, let reason?) = try processor.recordOversize(
            at: location, size: size, limit: MailboxConfiguration.defaultMaxMessageBytes, now: now)
        else {
            Issue.record("expected an unreadable record")
            return
        }
        #expect(reason.contains("\(size) bytes"))
        #expect(reason.contains("not fetched"))
        #expect(try store.message(rowID: row)?.message.outcome == .unreadable)
        #expect(try store.drafts(in: nil).isEmpty)
    }

    @Test func aFloodOfTenThousandSendersMeetsTheHourlyCapAndNothingElseBreaks() throws {
        let directory = try TemporaryDirectory(prefix: "tact-flood")
        defer { directory.remove() }
        let cap = 50
        let (processor, store) = try makeProcessor(
            in: directory, policy: AcknowledgementPolicy(senderWindow: .seconds(24 * 3600), hourlyCap: cap))
        let flood = 10_000
        let started = Date()
        var outcomes: [MessageOutcome: Int] = [:]
        for index in 0..<flood {
            // All within one minute of mail time.
            let arrival = now.addingTimeInterval(Double(index) * 60 / Double(flood))
            let raw = Data("""
                From: Customer \(index) <customer\(index)@flood\(index % 97).example>\r
                To: support@shop.example\r
                Subject: Where is my order \(index)?\r
                Message-ID: <flood-\(index)@example.org>\r
                MIME-Version: 1.0\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                Hello, my order \(index) has not arrived yet. Could you check please?\r
                """.utf8)
            guard case .recorded(let outcome, _, _, _) = try processor.process(
                raw, at: MessageLocation(mailbox: "support", uidValidity: 1, uid: UInt32(index + 1)), arrival: arrival,
                now: arrival)
            else {
                Issue.record("message \(index) was not recorded")
                return
            }
            outcomes[outcome, default: 0] += 1
        }
        let seconds = Date().timeIntervalSince(started)
        print("flood: \(flood) mails through the pipeline in \(String(format: "%.1f", seconds)) s: \(outcomes)")
        #expect(outcomes[.drafted] == cap)
        #expect(outcomes[.rateLimited] == flood - cap)
        #expect(try store.drafts(in: .queued).count == cap)
        #expect(try store.outcomeCounts(mailbox: "support").values.reduce(0, +) == flood)
        // Exactly once: the same UIDs again record nothing.
        let again = try processor.process(
            Data("From: x@y.example\r\n\r\nhi\r\n".utf8), at: MessageLocation(mailbox: "support", uidValidity: 1, uid: 1),
            arrival: now, now: now)
        #expect(again == .alreadyProcessed)
        // Machine mail in the flood is still recognised as such, not counted as rate-limited.
        let bounce = try processor.process(
            try demoMail("14-bounce.eml"), at: MessageLocation(mailbox: "support", uidValidity: 1, uid: UInt32(flood + 1)),
            arrival: now.addingTimeInterval(61), now: now.addingTimeInterval(61))
        guard case .recorded(.suppressed, _, _, _) = bounce else {
            Issue.record("a bounce during the flood must be suppressed, got \(bounce)")
            return
        }
        // An hour later a new customer is acknowledged again.
        let later = now.addingTimeInterval(3700)
        let fresh = try processor.process(
            try demoMail("02-refund.eml"), at: MessageLocation(mailbox: "support", uidValidity: 1, uid: UInt32(flood + 2)),
            arrival: later, now: later)
        guard case .recorded(.drafted, _, _?, _) = fresh else {
            Issue.record("after the hour a new sender must be acknowledged, got \(fresh)")
            return
        }
    }
}

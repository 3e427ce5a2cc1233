import Courtesy
import Drafting
import Foundation
import MailParsing
import Store
import TactTestSupport
import Testing
import Triage

@testable import Daemon

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A processor over real parts: the shipped classifier, templates and rule pack, and a store in a temp folder.
func makeProcessor(in directory: TemporaryDirectory, policy: AcknowledgementPolicy = AcknowledgementPolicy()) throws
    -> (MessageProcessor, SQLiteStore)
{
    let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
    let settings = DraftingSettings(
        from: try MailAddress(name: "Shop Support", address: "support@shop.example"),
        agent: AgentIdentity(name: "Marta Keller", team: "Shop Support"),
        businessHours: .weekdays9to5(timeZone: TimeZone(identifier: "Europe/Berlin")!))
    let drafter = Drafter(
        templates: try TemplateLibrary(directory: repository.appendingPathComponent("templates").path),
        linter: Linter(pack: try RulePack.standard()), settings: settings)
    let processor = MessageProcessor(
        suppression: SuppressionPolicy(ownAddresses: ["support@shop.example"]), classifier: try Classifier.shipped(),
        drafter: drafter, policy: policy, store: store)
    return (processor, store)
}

func demoMail(_ name: String) throws -> Data {
    try Data(contentsOf: repository.appendingPathComponent("demo/mail/\(name)"))
}

@Suite struct MessageProcessorTests {
    let now = Date(timeIntervalSince1970: 1_795_428_000)  // Monday 23 November 2026, 10:00 UTC

    @Test func customerMailBecomesAQueuedDraftAndMachineMailIsSuppressedWithItsReason() throws {
        let directory = try TemporaryDirectory(prefix: "tact-processor")
        defer { directory.remove() }
        let (processor, store) = try makeProcessor(in: directory)
        let refund = try processor.process(
            try demoMail("02-refund.eml"), at: MessageLocation(mailbox: "support", uidValidity: 9, uid: 1), arrival: now, now: now)
        guard case .recorded(.drafted, let row, let draftID?, _) = refund else {
            Issue.record("expected a draft, got \(refund)")
            return
        }
        let draft = try #require(try store.draft(id: draftID))
        #expect(draft.state == .queued)
        #expect(draft.draft.body.hasPrefix("Hi Liam,"))
        #expect(draft.draft.replyMessageID?.hasSuffix("@shop.example>") == true)
        #expect(try store.message(rowID: row)?.message.category == "refund")

        let bounce = try processor.process(
            try demoMail("14-bounce.eml"), at: MessageLocation(mailbox: "support", uidValidity: 9, uid: 2), arrival: now, now: now)
        guard case .recorded(.suppressed, _, nil, let reason?) = bounce else {
            Issue.record("expected suppression, got \(bounce)")
            return
        }
        #expect(reason.hasPrefix("delivery-report"))
    }

    @Test func processingTheSameUIDAgainDoesNothing() throws {
        let directory = try TemporaryDirectory(prefix: "tact-processor")
        defer { directory.remove() }
        let (processor, store) = try makeProcessor(in: directory)
        let location = MessageLocation(mailbox: "support", uidValidity: 9, uid: 7)
        _ = try processor.process(try demoMail("05-technical.eml"), at: location, arrival: now, now: now)
        #expect(try processor.process(try demoMail("05-technical.eml"), at: location, arrival: now, now: now) == .alreadyProcessed)
        #expect(try store.drafts(in: nil).count == 1)
    }

    @Test func aSecondMailFromTheSameSenderWithinTheWindowIsNotAcknowledgedAgain() throws {
        let directory = try TemporaryDirectory(prefix: "tact-processor")
        defer { directory.remove() }
        let (processor, store) = try makeProcessor(in: directory)
        let first = try demoMail("05-technical.eml")
        let second = Data(String(decoding: first, as: UTF8.self)
            .replacingOccurrences(of: "<demo-05@example.com>", with: "<demo-05b@example.com>")
            .replacingOccurrences(of: "Can't log in to the app", with: "Still can't log in").utf8)
        _ = try processor.process(first, at: MessageLocation(mailbox: "support", uidValidity: 9, uid: 1), arrival: now, now: now)
        let result = try processor.process(second, at: MessageLocation(mailbox: "support", uidValidity: 9, uid: 2), arrival: now, now: now)
        guard case .recorded(.rateLimited, _, nil, let reason?) = result else {
            Issue.record("expected rate limiting, got \(result)")
            return
        }
        #expect(reason.hasPrefix("sender-window"))
        #expect(try store.drafts(in: nil).count == 1)
    }

    @Test func aReplyToOurDraftIsAttachedNotAcknowledged() throws {
        let directory = try TemporaryDirectory(prefix: "tact-processor")
        defer { directory.remove() }
        // No sender window, so only the thread decides.
        let (processor, store) = try makeProcessor(in: directory, policy: AcknowledgementPolicy(senderWindow: .seconds(0)))
        guard case .recorded(_, let root, let draftID?, _) = try processor.process(
            try demoMail("03-order-status.eml"), at: MessageLocation(mailbox: "support", uidValidity: 9, uid: 1), arrival: now, now: now),
            let replyID = try store.draft(id: draftID)?.draft.replyMessageID
        else {
            Issue.record("the first mail must be drafted")
            return
        }
        let followUp = """
            From: "Amélie Laurent" <amelie@example.fr>
            To: support@shop.example
            Subject: Re: Where is my parcel?
            Message-ID: <demo-03-followup@example.fr>
            In-Reply-To: \(replyID)
            References: <demo-03@example.fr> \(replyID)
            Content-Type: text/plain; charset=utf-8

            Any news? It is still not here.
            """
        let result = try processor.process(
            Data(followUp.utf8), at: MessageLocation(mailbox: "support", uidValidity: 9, uid: 2), arrival: now, now: now)
        #expect(result == .recorded(outcome: .attached, messageRow: root + 1, draftID: nil, reason: "follow-up of message \(root)"))
    }

    @Test func unreadableInputIsRecordedNotLost() throws {
        let directory = try TemporaryDirectory(prefix: "tact-processor")
        defer { directory.remove() }
        let (processor, store) = try makeProcessor(in: directory)
        let result = try processor.process(Data(), at: MessageLocation(mailbox: "support", uidValidity: 9, uid: 3), arrival: now, now: now)
        guard case .recorded(.unreadable, let row, nil, _) = result else {
            Issue.record("expected an unreadable record, got \(result)")
            return
        }
        #expect(try store.message(rowID: row)?.message.outcome == .unreadable)
    }
}

@Suite struct MessageProcessorResyncTests {
    let now = Date(timeIntervalSince1970: 1_795_428_000)

    @Test func aMessageSeenUnderAnOldUIDValidityIsNotHandledAgain() throws {
        let directory = try TemporaryDirectory(prefix: "tact-processor")
        defer { directory.remove() }
        let (processor, store) = try makeProcessor(in: directory)
        _ = try processor.process(try demoMail("06-cancellation.eml"), at: MessageLocation(mailbox: "support", uidValidity: 1, uid: 5), arrival: now, now: now)
        let again = try processor.process(
            try demoMail("06-cancellation.eml"), at: MessageLocation(mailbox: "support", uidValidity: 2, uid: 1), arrival: now, now: now)
        guard case .recorded(.skipped, _, nil, let reason?) = again else {
            Issue.record("expected skipped, got \(again)")
            return
        }
        #expect(reason.hasPrefix("already handled"))
        #expect(try store.drafts(in: nil).count == 1)
    }

    @Test func mailOlderThanTheBaselineIsSkipped() throws {
        let directory = try TemporaryDirectory(prefix: "tact-processor")
        defer { directory.remove() }
        let (processor, _) = try makeProcessor(in: directory)
        // The demo mail is dated 23 November 2026; the baseline is a day later.
        let result = try processor.process(
            try demoMail("05-technical.eml"), at: MessageLocation(mailbox: "support", uidValidity: 1, uid: 1), arrival: now,
            now: now, notBefore: now.addingTimeInterval(24 * 3600))
        guard case .recorded(.skipped, _, nil, _) = result else {
            Issue.record("expected skipped, got \(result)")
            return
        }
    }

    @Test func oversizeMessagesAreRecordedForAPerson() throws {
        let directory = try TemporaryDirectory(prefix: "tact-processor")
        defer { directory.remove() }
        let (processor, store) = try makeProcessor(in: directory)
        let location = MessageLocation(mailbox: "support", uidValidity: 1, uid: 9)
        guard case .recorded(.unreadable, let row, nil, let reason?) = try processor.recordOversize(at: location, size: 30_000_000, limit: 26_214_400, now: now)
        else {
            Issue.record("expected an unreadable record")
            return
        }
        #expect(reason.contains("30000000 bytes"))
        #expect(try store.message(rowID: row)?.message.outcome == .unreadable)
        #expect(try processor.recordOversize(at: location, size: 30_000_000, limit: 26_214_400, now: now) == .alreadyProcessed)
    }
}

import Foundation
import Store
import TactTestSupport
import Testing

@testable import Daemon

/// The processor's bounce branch, without servers: which delivery reports mark a reply bounced.
@Suite struct BounceTests {
    let now = Date(timeIntervalSince1970: 1_795_428_000)  // Monday 23 November 2026, 10:00 UTC

    /// A store with Liam's refund reply marked sent, and its reply Message-ID.
    func sentReply(_ directory: TemporaryDirectory) throws -> (MessageProcessor, SQLiteStore, Int64, String) {
        let (processor, store) = try makeProcessor(in: directory)
        guard case .recorded(.drafted, _, let id?, _) = try processor.process(
            try demoMail("02-refund.eml"), at: MessageLocation(mailbox: "support", uidValidity: 3, uid: 1), arrival: now, now: now)
        else { throw TestSupportError("not drafted") }
        try store.transition(draft: id, from: .queued, to: .approved, actor: "maria", reason: nil)
        try store.transition(draft: id, from: .approved, to: .sending, actor: "outbox", reason: nil)
        try store.markSent(draft: id, reply: "250 OK", copy: Data(), steps: [], actor: "outbox")
        let replyID = try #require(try store.draft(id: id)?.draft.replyMessageID)
        return (processor, store, id, replyID)
    }

    @Test func aReportNamingOurReplyOnlyInItsReferencesStillCounts() throws {
        let directory = try TemporaryDirectory(prefix: "tact-bounce")
        defer { directory.remove() }
        let (processor, store, id, replyID) = try sentReply(directory)
        // Some servers return no headers, but thread the report under the failed message.
        let report = String(decoding: bounceReport(of: "<unrelated@elsewhere.example>", recipient: "liam.obrien@example.net"), as: UTF8.self)
            .replacingOccurrences(of: "Auto-Submitted: auto-replied\r\n", with: "Auto-Submitted: auto-replied\r\nIn-Reply-To: \(replyID)\r\n")
        _ = try processor.process(
            Data(report.utf8), at: MessageLocation(mailbox: "support", uidValidity: 3, uid: 2), arrival: now, now: now)
        #expect(try store.draft(id: id)?.state == .bounced)
        #expect(try store.bouncedAddress("liam.obrien@example.net")?.status == "5.1.1")
    }

    @Test func aDelayNoticeOrAReportAboutOtherMailChangesNothing() throws {
        let directory = try TemporaryDirectory(prefix: "tact-bounce")
        defer { directory.remove() }
        let (processor, store, id, replyID) = try sentReply(directory)
        // 4.x.x: delivery is only delayed.
        let delayed = try processor.process(
            bounceReport(of: replyID, recipient: "liam.obrien@example.net", status: "4.4.1"),
            at: MessageLocation(mailbox: "support", uidValidity: 3, uid: 2), arrival: now, now: now)
        guard case .recorded(.suppressed, _, nil, _) = delayed else {
            Issue.record("expected suppressed, got \(delayed)")
            return
        }
        // A bounce of some other message (the demo's, about reply-5555).
        _ = try processor.process(
            try demoMail("14-bounce.eml"), at: MessageLocation(mailbox: "support", uidValidity: 3, uid: 3), arrival: now, now: now)
        #expect(try store.draft(id: id)?.state == .sent)
        #expect(try store.bouncedAddress("liam.obrien@example.net") == nil)
        #expect(try store.bouncedAddress("gone@example.net") == nil)
        // The same report processed twice (same UID) is recorded once.
        #expect(try processor.process(
            bounceReport(of: replyID, recipient: "liam.obrien@example.net", status: "4.4.1"),
            at: MessageLocation(mailbox: "support", uidValidity: 3, uid: 2), arrival: now, now: now) == .alreadyProcessed)
    }

    @Test func anAddressThatBouncedIsNotAcknowledgedButOthersAre() throws {
        let directory = try TemporaryDirectory(prefix: "tact-bounce")
        defer { directory.remove() }
        let (processor, store, id, replyID) = try sentReply(directory)
        _ = try processor.process(
            bounceReport(of: replyID, recipient: "liam.obrien@example.net"),
            at: MessageLocation(mailbox: "support", uidValidity: 3, uid: 2), arrival: now, now: now)
        #expect(try store.draft(id: id)?.state == .bounced)
        let later = now.addingTimeInterval(7 * 86400)
        let again = try processor.process(
            try demoMail("02-refund.eml").replacingMessageID("demo-02-again@example.net"),
            at: MessageLocation(mailbox: "support", uidValidity: 3, uid: 4), arrival: later, now: later)
        guard case .recorded(.skipped, _, nil, let reason?) = again else {
            Issue.record("expected skipped, got \(again)")
            return
        }
        #expect(reason.hasPrefix("address bounced our reply of 20"))
        #expect(reason.contains("(draft \(id))"))
        // Someone else is still acknowledged.
        let other = try processor.process(
            try demoMail("05-technical.eml"), at: MessageLocation(mailbox: "support", uidValidity: 3, uid: 5), arrival: later,
            now: later)
        guard case .recorded(.drafted, _, _?, _) = other else {
            Issue.record("expected drafted, got \(other)")
            return
        }
    }
}

extension Data {
    /// The same mail with another Message-ID (the store skips a Message-ID it has seen).
    func replacingMessageID(_ id: String) -> Data {
        let text = String(decoding: self, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.lowercased().hasPrefix("message-id:") ? "Message-ID: <\(id)>" + (line.hasSuffix("\r") ? "\r" : "") : String(line)
        }
        return Data(lines.joined(separator: "\n").utf8)
    }
}

import Foundation
import Store
import TactTestSupport
import Testing

@testable import Daemon

@Suite struct AcknowledgementPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = AcknowledgementPolicy(senderWindow: .seconds(24 * 3600), hourlyCap: 3)

    @Test func aNewSenderIsAcknowledged() {
        #expect(policy.decide(.init(threadRoot: nil, lastAcknowledgementOfSender: nil, acknowledgementsInLastHour: 0), now: now) == .acknowledge)
    }

    @Test func aFollowUpIsAttachedEvenOutsideTheWindow() {
        let facts = AcknowledgementPolicy.Facts(
            threadRoot: 42, lastAcknowledgementOfSender: now.addingTimeInterval(-3 * 24 * 3600), acknowledgementsInLastHour: 0)
        #expect(policy.decide(facts, now: now) == .attach(toMessageRow: 42))
    }

    @Test func oneAcknowledgementPerSenderPerWindow() {
        let recent = AcknowledgementPolicy.Facts(threadRoot: nil, lastAcknowledgementOfSender: now.addingTimeInterval(-3600), acknowledgementsInLastHour: 0)
        guard case .rateLimited(let reason) = policy.decide(recent, now: now) else {
            Issue.record("a second mail within the window must not be acknowledged")
            return
        }
        #expect(reason.hasPrefix("sender-window"))
        let old = AcknowledgementPolicy.Facts(threadRoot: nil, lastAcknowledgementOfSender: now.addingTimeInterval(-25 * 3600), acknowledgementsInLastHour: 0)
        #expect(policy.decide(old, now: now) == .acknowledge)
    }

    @Test func theHourlyCapStopsAFlood() {
        let flood = AcknowledgementPolicy.Facts(threadRoot: nil, lastAcknowledgementOfSender: nil, acknowledgementsInLastHour: 3)
        guard case .rateLimited(let reason) = policy.decide(flood, now: now) else {
            Issue.record("the cap must hold")
            return
        }
        #expect(reason.hasPrefix("hourly-cap"))
    }

    /// The facts the policy needs, read from a real store: threads found by either a customer's
    /// Message-ID or our reply's, the sender's last acknowledgement, the mailbox's hourly count.
    @Test func theStoreAnswersThePolicysQuestions() throws {
        let directory = try TemporaryDirectory(prefix: "tact-policy")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        let first = IncomingMessage(
            mailbox: "support", uidValidity: 1, uid: 1, messageID: "<a1@example.org>", sender: "Jane@Example.org",
            subject: "Order", receivedAt: now, outcome: .drafted, category: "order-status")
        guard case .recorded(let root, _) = try store.record(
            first, draft: NewDraft(template: "order-status", subject: "Re: Order", body: "…", replyMessageID: "<tact.r1@shop.example>"),
            actor: "daemon")
        else {
            Issue.record("record failed")
            return
        }
        #expect(try store.threadRoot(referencing: ["<tact.r1@shop.example>"])?.id == root)
        #expect(try store.threadRoot(referencing: ["<unrelated@x.org>", "<a1@example.org>"])?.id == root)
        #expect(try store.threadRoot(referencing: ["<unrelated@x.org>"]) == nil)
        #expect(try store.threadRoot(referencing: []) == nil)
        #expect(try store.lastAcknowledgement(of: "jane@example.org") != nil)
        #expect(try store.lastAcknowledgement(of: "someone@example.org") == nil)
        #expect(try store.acknowledgementCount(mailbox: "support", since: Date().addingTimeInterval(-3600)) == 1)
        #expect(try store.acknowledgementCount(mailbox: "sales", since: Date().addingTimeInterval(-3600)) == 0)
    }
}

import Foundation
import TactTestSupport
import Testing

@testable import Store

/// The hourly cap's count inside a batch is kept up to date instead of recounted for every
/// message; it must always equal a full count of the same rows.
@Suite struct AcknowledgementCountTests {
    func message(uid: UInt32, mailbox: String = "support", outcome: MessageOutcome = .drafted) -> IncomingMessage {
        IncomingMessage(
            mailbox: mailbox, uidValidity: 7, uid: uid, messageID: "<c\(uid)@example.org>", sender: "s\(uid)@example.org",
            subject: "Order \(uid)", receivedAt: Date(timeIntervalSince1970: 1_800_000_000), outcome: outcome,
            reason: nil, category: "order-status", confidence: 0.9, senderName: nil)
    }

    func draft(_ uid: UInt32) -> NewDraft {
        NewDraft(template: "order-status", subject: "Re: Order \(uid)", body: "Hi,\n\nThanks.", findingsJSON: "[]", promisedBy: nil)
    }

    @Test func theCountInsideABatchEqualsAFullCountAsTheWindowMovesAndRowsAreAdded() throws {
        let directory = try TemporaryDirectory(prefix: "tact-store")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        var uid: UInt32 = 0
        func record(_ outcome: MessageOutcome = .drafted, mailbox: String = "support") throws -> Date {
            uid += 1
            _ = try store.record(
                message(uid: uid, mailbox: mailbox, outcome: outcome), draft: outcome == .drafted ? draft(uid) : nil,
                actor: "daemon")
            let after = Date()
            Thread.sleep(forTimeInterval: 0.003)  // distinct recorded_at values, so window starts fall between rows
            return after
        }
        // Committed before the batch: the window's start will move past some of them.
        var marks = [Date().addingTimeInterval(-1)]
        for _ in 0..<4 { marks.append(try record()) }
        marks.append(try record(.suppressed))
        marks.append(try record(mailbox: "sales"))

        // Window starts, in the order asked; each answer is checked after the commit against a
        // full count of the same (then committed) rows.
        var asked: [(since: Date, count: Int)] = []
        try store.batch {
            asked.append((marks[0], try store.acknowledgementCount(mailbox: "support", since: marks[0])))
            for _ in 0..<3 { marks.append(try record()) }
            marks.append(try record(.rateLimited))
            marks.append(try record(mailbox: "sales"))
            // Forward past old rows, forward past rows of this batch, standing still, and back.
            for index in [0, 1, 3, 3, 7, 8, 2, 9, 11] {
                asked.append((marks[index], try store.acknowledgementCount(mailbox: "support", since: marks[index])))
            }
            asked.append((marks[1], try store.acknowledgementCount(mailbox: "sales", since: marks[1])))
        }
        // The first answer was given before the batch's own rows existed.
        #expect(asked[0].count == 4)
        for (since, count) in asked.dropFirst().dropLast() {
            #expect(try store.acknowledgementCount(mailbox: "support", since: since) == count, "since \(since)")
        }
        #expect(asked.last!.count == 2)
        // The counts are not trivially equal: the window moved past rows.
        #expect(asked[1].count == 7)
        #expect(asked[2].count == 6)
        #expect(asked[5].count == 2)
        #expect(asked[7].count == 5)
    }
}

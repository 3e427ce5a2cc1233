import Foundation
import TactTestSupport
import Testing

@testable import Store

@Suite struct SQLiteStoreTests {
    func message(uid: UInt32, outcome: MessageOutcome = .drafted) -> IncomingMessage {
        IncomingMessage(
            mailbox: "support", uidValidity: 7, uid: uid, messageID: "<m\(uid)@example.org>",
            sender: "jane@example.org", subject: "Where is my order?", receivedAt: Date(timeIntervalSince1970: 1_800_000_000),
            outcome: outcome, reason: outcome == .suppressed ? "list-header" : nil,
            category: outcome == .drafted ? "order-status" : nil, confidence: outcome == .drafted ? 0.93 : nil)
    }

    let draft = NewDraft(
        template: "order-status", subject: "Re: Where is my order?", body: "Hi Jane,\n\nThank you…",
        findingsJSON: "[]", promisedBy: Date(timeIntervalSince1970: 1_800_010_000))

    func withStore<T>(_ body: (SQLiteStore, TemporaryDirectory) throws -> T) throws -> T {
        let directory = try TemporaryDirectory(prefix: "tact-store")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        return try body(store, directory)
    }

    @Test func recordsAMessageAndItsDraftTogether() throws {
        try withStore { store, _ in
            let result = try store.record(message(uid: 1), draft: draft, actor: "daemon")
            guard case .recorded(let rowID, let draftID?) = result else {
                Issue.record("expected a recorded message with a draft, got \(result)")
                return
            }
            let stored = try #require(try store.message(rowID: rowID))
            #expect(stored.message == message(uid: 1))
            let queued = try #require(try store.draft(id: draftID))
            #expect(queued.state == .queued)
            #expect(queued.draft == draft)
            #expect(try store.messages(withMessageID: "<m1@example.org>").map(\.id) == [rowID])
        }
    }

    @Test func recordingTheSameUIDTwiceWritesNothingTheSecondTime() throws {
        try withStore { store, _ in
            let first = try store.record(message(uid: 5), draft: draft, actor: "daemon")
            let second = try store.record(message(uid: 5), draft: draft, actor: "daemon")
            guard case .recorded(let rowID, _) = first else {
                Issue.record("first record failed: \(first)")
                return
            }
            #expect(second == .alreadyRecorded(messageRowID: rowID))
            #expect(try store.drafts(in: nil).count == 1)
            #expect(try store.isRecorded(mailbox: "support", uidValidity: 7, uid: 5))
            // The same UID under a new UIDVALIDITY is a different message.
            #expect(try !store.isRecorded(mailbox: "support", uidValidity: 8, uid: 5))
        }
    }

    @Test func suppressedMailKeepsItsReason() throws {
        try withStore { store, _ in
            guard case .recorded(let rowID, nil) = try store.record(message(uid: 2, outcome: .suppressed), draft: nil, actor: "daemon")
            else {
                Issue.record("expected a record without a draft")
                return
            }
            #expect(try store.message(rowID: rowID)?.message.reason == "list-header")
            let trail = try store.auditTrail(messageRowID: rowID)
            #expect(trail.map(\.action) == ["suppressed"])
            #expect(trail.first?.detail == "list-header")
        }
    }

    @Test func transitionsFollowTheLifecycleAndAreAudited() throws {
        try withStore { store, _ in
            guard case .recorded(let rowID, let draftID?) = try store.record(message(uid: 3), draft: draft, actor: "daemon")
            else {
                Issue.record("record failed")
                return
            }
            try store.transition(draft: draftID, from: .queued, to: .approved, actor: "maria", reason: nil)
            try store.transition(draft: draftID, from: .approved, to: .sending, actor: "outbox", reason: nil)
            let sent = try store.transition(draft: draftID, from: .sending, to: .sent, actor: "outbox", reason: "250 OK")
            #expect(sent.state == .sent)
            #expect(sent.stateReason == "250 OK")
            let trail = try store.auditTrail(messageRowID: rowID)
            #expect(trail.map(\.action) == ["drafted", "queued", "approved", "sending", "sent"])
            #expect(trail.map(\.actor) == ["daemon", "daemon", "maria", "outbox", "outbox"])
            #expect(throws: StoreError.self) {
                try store.transition(draft: draftID, from: .sent, to: .sending, actor: "outbox", reason: nil)
            }
        }
    }

    @Test func aStaleExpectationIsAConflictAndChangesNothing() throws {
        try withStore { store, _ in
            guard case .recorded(_, let draftID?) = try store.record(message(uid: 4), draft: draft, actor: "daemon") else {
                Issue.record("record failed")
                return
            }
            try store.transition(draft: draftID, from: .queued, to: .rejected, actor: "maria", reason: "duplicate")
            do {
                try store.transition(draft: draftID, from: .queued, to: .approved, actor: "tom", reason: nil)
                Issue.record("a second reviewer's approval of a rejected draft must fail")
            } catch let error as StoreError {
                #expect(error.kind == .conflict)
                #expect(error.description.contains("already rejected"))
            }
            #expect(try store.draft(id: draftID)?.state == .rejected)
            #expect(try store.draft(id: draftID)?.stateReason == "duplicate")
        }
    }

    @Test func concurrentApprovalsFromTwoConnectionsLetExactlyOneWin() async throws {
        let directory = try TemporaryDirectory(prefix: "tact-store")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let first = try SQLiteStore(path: path)
        let second = try SQLiteStore(path: path)
        var draftIDs: [Int64] = []
        for uid in 1...20 {
            if case .recorded(_, let id?) = try first.record(message(uid: UInt32(uid)), draft: draft, actor: "daemon") {
                draftIDs.append(id)
            }
        }
        let ids = draftIDs
        // Each draft is approved by two reviewers at once, one through each connection.
        let wins = try await withThrowingTaskGroup(of: Int.self) { group in
            for id in ids {
                for (store, name) in [(first, "maria"), (second, "tom")] {
                    group.addTask {
                        do {
                            try store.transition(draft: id, from: .queued, to: .approved, actor: name, reason: nil)
                            return 1
                        } catch let error as StoreError where error.kind == .conflict {
                            return 0
                        }
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wins == ids.count)
        #expect(try first.drafts(in: .approved).count == ids.count)
    }

    @Test func theDatabaseIsClosedToOthers() throws {
        try withStore { store, directory in
            _ = try store.record(message(uid: 9), draft: draft, actor: "daemon")
            for name in ["tact.sqlite", "tact.sqlite-wal", "tact.sqlite-shm"] {
                let path = directory.url.appendingPathComponent(name).path
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                let mode = (attributes[.posixPermissions] as? Int) ?? 0o777
                #expect(mode & 0o007 == 0, "\(name) has mode \(String(mode, radix: 8))")
            }
        }
    }

    @Test func aDamagedFileIsRefusedAndLeftUntouched() throws {
        let directory = try TemporaryDirectory(prefix: "tact-store")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteStore(path: path)
            Issue.record("a damaged database must be refused")
        } catch let error as StoreError {
            #expect(error.kind == .cannotOpen)
            #expect(error.description.contains(path))
            #expect(error.description.contains("backup"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func aStoreFromANewerTactIsRefused() throws {
        let directory = try TemporaryDirectory(prefix: "tact-store")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        _ = try SQLiteStore(path: path)
        let sqlite = try Command.locate(["/usr/bin/sqlite3"], package: "sqlite3")
        try Command.run(sqlite, [path, "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')"])
        #expect(throws: StoreError.self) { try SQLiteStore(path: path) }
    }

    @Test func aMissingFolderIsNamedInTheError() {
        do {
            _ = try SQLiteStore(path: "/nonexistent-tact-folder/tact.sqlite")
            Issue.record("expected an error")
        } catch let error as StoreError {
            #expect(error.description.contains("/nonexistent-tact-folder"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Suite struct MailboxStateTests {
    @Test func stateIsSavedReplacedAndReadBack() throws {
        let directory = try TemporaryDirectory(prefix: "tact-store")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        #expect(try store.mailboxState("support") == nil)
        var state = MailboxState(mailbox: "support", uidValidity: 7, lastUID: 41, baselineAt: Date(timeIntervalSince1970: 1_800_000_000))
        try store.save(state)
        #expect(try store.mailboxState("support") == state)
        state.lastUID = 99
        state.lastError = "login refused"
        state.lastCheckAt = Date(timeIntervalSince1970: 1_800_000_100)
        try store.save(state)
        #expect(try store.mailboxState("support") == state)
        #expect(try store.mailboxState("sales") == nil)
    }

    @Test func countsByStateAndOutcome() throws {
        let directory = try TemporaryDirectory(prefix: "tact-store")
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        for (uid, outcome) in [(1, MessageOutcome.drafted), (2, .drafted), (3, .suppressed)] as [(UInt32, MessageOutcome)] {
            _ = try store.record(
                IncomingMessage(
                    mailbox: "support", uidValidity: 1, uid: uid, messageID: nil, sender: "a\(uid)@example.org", subject: nil,
                    receivedAt: Date(), outcome: outcome),
                draft: outcome == .drafted ? NewDraft(template: "question", subject: "Re: x", body: "Hi") : nil, actor: "daemon")
        }
        #expect(try store.draftCounts() == [.queued: 2])
        #expect(try store.outcomeCounts(mailbox: "support") == [.drafted: 2, .suppressed: 1])
        #expect(try store.outcomeCounts(mailbox: "sales").isEmpty)
    }
}

import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// The SQLite store (GRDB, WAL mode). Processing commits use `synchronous=NORMAL`: safe against a
/// process crash; a power cut may lose the last few commits, which the daemon then processes again
/// (they were never acknowledged on the server). The commit that marks a reply `sending` uses
/// `synchronous=FULL`, so a reply can never be sent twice because its `sending` mark was lost.
///
/// The database file is readable and writable by its owner and group only (reviewers join the
/// service's group); SQLite gives the `-wal` and `-shm` files the same permissions.
public final class SQLiteStore: MessageStore {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    /// - Throws: `StoreError.cannotOpen` when the file is not a SQLite database, is from a newer
    ///   Tact, or cannot be created; nothing is overwritten in that case.
    public init(path: String) throws {
        self.path = path
        try Self.prepareFile(at: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            self.pool = try DatabasePool(path: path, configuration: configuration)
            try self.pool.read { db in
                if try Self.migrator.hasBeenSuperseded(db) {
                    throw StoreError(
                        .cannotOpen,
                        "the store \(path) was written by a newer Tact: upgrade tact, or restore a backup made by this version")
                }
            }
            try Self.migrator.migrate(self.pool)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw Self.openingError(error, path: path)
        }
    }

    /// Says why the store could not be opened and what to do. A full disk or a read-only file
    /// system is not damage: the advice to restore a backup is kept for a file SQLite cannot read.
    static func openingError(_ error: DatabaseError, path: String) -> StoreError {
        let reason = error.message ?? "\(error.resultCode)"
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var space = statvfs()
        let diskFull = statvfs(folder.isEmpty ? "/" : folder, &space) == 0
            && UInt64(space.f_bavail) * UInt64(space.f_frsize) < 1 << 20
        switch error.resultCode {
        case .SQLITE_FULL:
            return StoreError(
                .cannotOpen, "cannot open the store \(path): the disk is full (\(reason)); free space, then run tact again (nothing was changed)")
        case .SQLITE_IOERR where diskFull:
            return StoreError(
                .cannotOpen,
                "cannot open the store \(path): the disk holding \(folder) is full (\(reason)); free space, then run tact again (nothing was changed)")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH:
            return StoreError(
                .cannotOpen,
                "cannot open the store \(path) for writing (\(reason)): check the owner and mode of the file and its folder, and that the file system is writable")
        default:
            return StoreError(
                .cannotOpen,
                "cannot open the store \(path): \(reason); if the file is damaged, "
                    + "move it aside and restore a backup (tact will not overwrite it)")
        }
    }

    /// Creates the file with mode 0660 before SQLite does (SQLite would use the umask), and takes
    /// away any access by others from an existing file.
    private static func prepareFile(at path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            throw StoreError(.cannotOpen, "the folder \(directory) for the store does not exist: create it (systemd's StateDirectory= does)")
        }
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o660)
        guard fd >= 0 else {
            throw StoreError(
                .cannotOpen, "cannot open or create the store \(path): \(String(cString: strerror(errno))); check the folder's owner and mode")
        }
        defer { close(fd) }
        var status = stat()
        if fstat(fd, &status) == 0 && status.st_mode & 0o007 != 0 {
            _ = fchmod(fd, status.st_mode & 0o770)
        }
    }

    // MARK: - Batches

    /// The write transaction of the batch running on each thread (see `batch`).
    private final class Batches: @unchecked Sendable {
        let lock = NSLock()
        var databases: [pthread_t: Database] = [:]
        /// Per batch: the hourly acknowledgement count last read for each mailbox (see `acknowledgementCount`).
        var windows: [pthread_t: [String: AcknowledgementWindow]] = [:]
        /// Per batch: the first write that threw (see `write`).
        var failures: [pthread_t: any Error] = [:]
    }

    /// An exact acknowledgement count of a mailbox read inside a batch: `count` drafted messages
    /// recorded at or after `since`, when the newest message row was `lastRowID`.
    struct AcknowledgementWindow {
        var since: Double
        var count: Int
        let lastRowID: Int64
    }
    private let batches = Batches()

    private var currentBatch: Database? {
        let thread = pthread_self()
        return self.batches.lock.withLock { self.batches.databases[thread] }
    }

    /// Runs `body` in one write transaction: every store call `body` makes from this thread reads
    /// and writes inside it, and all of it is committed at the end, or nothing if `body` throws.
    /// The daemon records a fetched batch of messages this way: one commit instead of one per
    /// message, and a crash before the commit only means the batch is processed again (nothing of
    /// it was recorded, and the mailbox mark had not moved).
    ///
    /// All or nothing, also when `body` catches an error: a store write that threw inside the
    /// batch may have done part of its work (writes in a batch have no savepoint of their own), so
    /// after one has thrown the batch rolls back and throws that first error, whatever `body` did
    /// with it.
    public func batch<T>(_ body: () throws -> T) throws -> T {
        if self.currentBatch != nil { return try body() }
        return try self.pool.write { db in
            let thread = pthread_self()
            self.batches.lock.withLock { self.batches.databases[thread] = db }
            defer {
                self.batches.lock.withLock {
                    self.batches.databases.removeValue(forKey: thread)
                    self.batches.windows.removeValue(forKey: thread)
                    self.batches.failures.removeValue(forKey: thread)
                }
            }
            let result = try body()
            if let failure = self.batches.lock.withLock({ self.batches.failures[thread] }) { throw failure }
            return result
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = self.currentBatch { return try body(db) }
        return try self.pool.read(body)
    }

    /// One transaction of its own, or, inside a batch, part of the batch's. No savepoint per write
    /// in a batch: SQLite copies every page a savepoint touches to a temporary file (for a
    /// backlog, 30 writes per message to /var/tmp, a quarter of the time recording took), so a
    /// write that throws marks the batch failed instead, and `batch` rolls all of it back.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard let db = self.currentBatch else { return try self.pool.write(body) }
        do {
            return try body(db)
        } catch {
            let thread = pthread_self()
            self.batches.lock.withLock {
                if self.batches.failures[thread] == nil { self.batches.failures[thread] = error }
            }
            throw error
        }
    }

    // MARK: - Schema

    private static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: messages, drafts, audit log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE message (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        mailbox TEXT NOT NULL,
                        uid_validity INTEGER NOT NULL,
                        uid INTEGER NOT NULL,
                        message_id TEXT,
                        sender TEXT,
                        subject TEXT,
                        received_at REAL NOT NULL,
                        outcome TEXT NOT NULL,
                        reason TEXT,
                        category TEXT,
                        confidence REAL,
                        sender_name TEXT,
                        customer_text TEXT,
                        recorded_at REAL NOT NULL,
                        UNIQUE (mailbox, uid_validity, uid)
                    );
                    CREATE INDEX message_by_message_id ON message(message_id);
                    CREATE INDEX message_by_sender ON message(sender, received_at);
                    CREATE TABLE draft (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        message_row_id INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                        state TEXT NOT NULL,
                        state_reason TEXT,
                        template TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        body TEXT NOT NULL,
                        findings_json TEXT NOT NULL,
                        promised_by REAL,
                        reply_message_id TEXT,
                        recipient TEXT,
                        recipient_name TEXT,
                        in_reply_to TEXT,
                        references_list TEXT NOT NULL DEFAULT '',
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE INDEX draft_by_state ON draft(state, created_at);
                    CREATE INDEX draft_by_message ON draft(message_row_id);
                    CREATE INDEX draft_by_reply_message_id ON draft(reply_message_id);
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        actor TEXT NOT NULL,
                        message_row_id INTEGER NOT NULL,
                        draft_id INTEGER,
                        action TEXT NOT NULL,
                        detail TEXT
                    );
                    CREATE INDEX audit_by_message ON audit(message_row_id, id);
                    CREATE TABLE mailbox_state (
                        mailbox TEXT PRIMARY KEY,
                        uid_validity INTEGER NOT NULL,
                        last_uid INTEGER NOT NULL,
                        baseline_at REAL NOT NULL,
                        last_check_at REAL,
                        last_error TEXT
                    );
                    """)
        }
        migrator.registerMigration("v2-daemon: server steps, pauses, resync mark") { db in
            try db.execute(
                sql: """
                    CREATE TABLE server_step (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        message_row_id INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                        draft_id INTEGER,
                        kind TEXT NOT NULL,
                        argument TEXT NOT NULL,
                        done INTEGER NOT NULL DEFAULT 0,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL
                    );
                    CREATE INDEX server_step_pending ON server_step(done, id);
                    CREATE TABLE pause (
                        scope TEXT PRIMARY KEY,
                        actor TEXT NOT NULL,
                        reason TEXT,
                        since REAL NOT NULL
                    );
                    CREATE TABLE control_log (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        scope TEXT NOT NULL,
                        detail TEXT
                    );
                    ALTER TABLE mailbox_state ADD COLUMN resync_until_uid INTEGER NOT NULL DEFAULT 0;
                    """)
        }
        // Self-contained: only new tables, so it composes with other v2 migrations in any order.
        migrator.registerMigration("v2-outbox: post-send steps, bounced addresses") { db in
            try db.execute(
                sql: """
                    CREATE TABLE post_send_step (
                        draft_id INTEGER NOT NULL REFERENCES draft(id) ON DELETE CASCADE,
                        kind TEXT NOT NULL,
                        done INTEGER NOT NULL DEFAULT 0,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        claimed_until REAL,
                        updated_at REAL NOT NULL,
                        PRIMARY KEY (draft_id, kind)
                    );
                    CREATE INDEX post_send_step_pending ON post_send_step(done, draft_id);
                    CREATE TABLE sent_copy (
                        draft_id INTEGER PRIMARY KEY REFERENCES draft(id) ON DELETE CASCADE,
                        bytes BLOB NOT NULL
                    );
                    CREATE TABLE bounced_address (
                        address TEXT PRIMARY KEY,
                        draft_id INTEGER NOT NULL,
                        sent_at REAL NOT NULL,
                        recorded_at REAL NOT NULL,
                        status TEXT
                    );
                    """)
        }
        migrator.registerMigration("v2-retention: indexes for the hourly cap and the retention purge") { db in
            // acknowledgementCount runs for every incoming message: without this index it scans the
            // whole table, so a flood slowed down quadratically (RELIABILITY.md).
            try db.execute(
                sql: """
                    CREATE INDEX message_by_outcome ON message(mailbox, outcome, recorded_at);
                    CREATE INDEX message_by_recorded_at ON message(recorded_at);
                    """)
        }
        migrator.registerMigration("v2-index: the hourly cap and overdue drafts") { db in
            // `acknowledgementCount` runs for every new message: without this index it read the
            // whole message table each time (quadratic over a backlog).
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS message_by_outcome ON message(mailbox, outcome, recorded_at)")
            // `tact status` reads only the drafts past their promise, not the whole queue.
            try db.execute(sql: "CREATE INDEX draft_by_promise ON draft(state, promised_by)")
        }
        migrator.registerMigration("v3-drafts-copy: which drafts have a copy in a Drafts folder") { db in
            // Every change to a draft asks whether it has a Drafts copy to bring in line
            // (`refreshDraftsCopy`). Partial, so mailboxes without drafts-folder mode pay nothing.
            try db.execute(
                sql: "CREATE INDEX server_step_append_draft ON server_step(draft_id) WHERE kind = 'append-draft'")
        }
        return migrator
    }()

    // MARK: - Messages

    public func record(_ message: IncomingMessage, draft: NewDraft?, steps: [ServerStepKind], actor: String) throws
        -> RecordResult
    {
        try self.write { db in
            // Cached statements: these run for every message, and preparing them each time cost
            // more than running them.
            let (messageRowID, inserted) = try Self.insertMessage(message, db)
            guard inserted else { return .alreadyRecorded(messageRowID: messageRowID) }
            let now = Date().timeIntervalSince1970
            try Self.audit(
                db, actor: actor, messageRowID: messageRowID, draftID: nil, action: message.outcome.rawValue,
                detail: message.reason)
            guard let draft else {
                try Self.insert(steps, db, messageRowID: messageRowID, draftID: nil, now: now)
                return .recorded(messageRowID: messageRowID, draftID: nil)
            }
            try RawSQL.execute(
                db,
                """
                INSERT INTO draft (message_row_id, state, template, subject, body, findings_json, promised_by,
                                   reply_message_id, recipient, recipient_name, in_reply_to, references_list,
                                   created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                .integer(messageRowID), .text(DraftState.queued.rawValue), .text(draft.template), .text(draft.subject),
                .text(draft.body), .text(draft.findingsJSON), .real(draft.promisedBy?.timeIntervalSince1970),
                .text(draft.replyMessageID), .text(draft.recipient), .text(draft.recipientName), .text(draft.inReplyTo),
                .text(draft.references.joined(separator: " ")), .real(now), .real(now))
            let draftID = db.lastInsertedRowID
            try Self.audit(
                db, actor: actor, messageRowID: messageRowID, draftID: draftID, action: "queued",
                detail: "template \(draft.template)")
            try Self.insert(steps, db, messageRowID: messageRowID, draftID: draftID, now: now)
            return .recorded(messageRowID: messageRowID, draftID: draftID)
        }
    }

    /// Inserts the message row (its audit row is the caller's), unless (mailbox, UIDVALIDITY, UID)
    /// is recorded already: then it returns the existing row and `inserted` false. One statement
    /// in the usual case: the insert itself tells whether the row was there (the UNIQUE
    /// constraint), so no look-up runs before it. Cached statements: this runs for every message,
    /// and preparing them each time cost more than running them.
    static func insertMessage(_ message: IncomingMessage, _ db: Database) throws -> (row: Int64, inserted: Bool) {
        let now = Date().timeIntervalSince1970
        try RawSQL.execute(
            db,
            """
            INSERT INTO message (mailbox, uid_validity, uid, message_id, sender, subject, received_at,
                                 outcome, reason, category, confidence, sender_name, customer_text, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (mailbox, uid_validity, uid) DO NOTHING
            """,
            .text(message.mailbox), .integer(Int64(message.uidValidity)), .integer(Int64(message.uid)),
            .text(message.messageID),
            // Addresses compare case-insensitively (in practice): stored lowercased, so the
            // per-sender lookup is an indexed equality.
            .text(message.sender?.lowercased()), .text(message.subject), .real(message.receivedAt.timeIntervalSince1970),
            .text(message.outcome.rawValue), .text(message.reason), .text(message.category), .real(message.confidence),
            .text(message.senderName), .text(message.customerText), .real(now))
        if db.changesCount == 1 { return (db.lastInsertedRowID, true) }
        guard let existing = try RawSQL.integer(
            db, "SELECT id FROM message WHERE mailbox = ? AND uid_validity = ? AND uid = ?",
            .text(message.mailbox), .integer(Int64(message.uidValidity)), .integer(Int64(message.uid)))
        else {
            // Only the (mailbox, UIDVALIDITY, UID) conflict skips the insert, so this cannot happen.
            throw StoreError(.notFound, "message \(message.mailbox)/\(message.uidValidity)/\(message.uid) was neither inserted nor found")
        }
        return (existing, false)
    }

    public func isRecorded(mailbox: String, uidValidity: UInt32, uid: UInt32) throws -> Bool {
        try self.read { db in
            try RawSQL.integer(
                db, "SELECT EXISTS (SELECT 1 FROM message WHERE mailbox = ? AND uid_validity = ? AND uid = ?)",
                .text(mailbox), .integer(Int64(uidValidity)), .integer(Int64(uid))) == 1
        }
    }

    public func message(rowID: Int64) throws -> StoredMessage? {
        try self.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM message WHERE id = ?", arguments: [rowID]).map(Self.message(from:))
        }
    }

    public func messages(withMessageID messageID: String) throws -> [StoredMessage] {
        try self.read { db in
            // Asked for every message, and nearly always about a Message-ID never seen: an
            // existence check first, because reading `SELECT *` rows through GRDB costs its column
            // layout (~20 k instructions) even when no row comes back.
            guard try RawSQL.integer(db, "SELECT EXISTS (SELECT 1 FROM message WHERE message_id = ?)", .text(messageID)) == 1
            else { return [] }
            return try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM message WHERE message_id = ? ORDER BY id"), arguments: [messageID]
            ).map(Self.message(from:))
        }
    }

    // MARK: - Drafts

    @discardableResult
    public func transition(
        draft id: Int64, from expected: DraftState, to next: DraftState, actor: String, reason: String?,
        revision: DraftRevision?
    ) throws -> StoredDraft {
        guard expected.canMove(to: next) else {
            throw StoreError(.invalidTransition, "a \(expected.rawValue) draft cannot become \(next.rawValue)")
        }
        let change: @Sendable (Database) throws -> StoredDraft = { db in
            try Self.applyTransition(db, draft: id, from: expected, to: next, actor: actor, reason: reason, revision: revision)
        }
        if next == .sending {
            return try self.pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
                var result: StoredDraft?
                try db.inTransaction(.immediate) {
                    result = try change(db)
                    return .commit
                }
                return result!
            }
        }
        return try self.write(change)
    }

    private static func applyTransition(
        _ db: Database, draft id: Int64, from expected: DraftState, to next: DraftState, actor: String, reason: String?,
        revision: DraftRevision?
    ) throws -> StoredDraft {
        let now = Date().timeIntervalSince1970
        // Compare-and-set: the update happens only if nobody moved the draft since the caller looked.
        try db.execute(
            sql: "UPDATE draft SET state = ?, state_reason = ?, updated_at = ? WHERE id = ? AND state = ?",
            arguments: [next.rawValue, reason, now, id, expected.rawValue])
        guard db.changesCount == 1 else {
            guard let current = try Row.fetchOne(db, sql: "SELECT state FROM draft WHERE id = ?", arguments: [id])
            else { throw StoreError(.notFound, "there is no draft \(id): check the id with `tact queue list`") }
            throw try Self.conflict(db, draft: id, state: current["state"])
        }
        if let revision {
            try db.execute(
                sql: "UPDATE draft SET body = ?, promised_by = ? WHERE id = ?",
                arguments: [revision.body, revision.promisedBy?.timeIntervalSince1970, id])
        }
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM draft WHERE id = ?", arguments: [id]) else {
            throw StoreError(.notFound, "there is no draft \(id)")
        }
        let draft = Self.draft(from: row)
        try Self.audit(
            db, actor: actor, messageRowID: draft.messageRowID, draftID: id, action: next.rawValue, detail: reason)
        if revision != nil || [.sent, .rejected, .superseded].contains(next) {
            try Self.refreshDraftsCopy(db, draft: draft, now: now)
        }
        return draft
    }

    /// A draft that was given a copy in a Drafts folder (mode `drafts-folder`) gets a step to bring
    /// that copy in line after it changed, in the same transaction as the change: replaced after an
    /// edit, removed once the reply is sent or the draft rejected or superseded. Drafts without a
    /// copy get nothing.
    static func refreshDraftsCopy(_ db: Database, draft: StoredDraft, now: Double) throws {
        let folders = try String.fetchAll(
            db, sql: "SELECT DISTINCT argument FROM server_step WHERE draft_id = ? AND kind = 'append-draft' ORDER BY argument",
            arguments: [draft.id])
        try Self.insert(folders.map { .refreshDraft(folder: $0) }, db, messageRowID: draft.messageRowID, draftID: draft.id, now: now)
    }

    public func draft(id: Int64) throws -> StoredDraft? {
        try self.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM draft WHERE id = ?", arguments: [id]).map(Self.draft(from:))
        }
    }

    public func drafts(in state: DraftState?) throws -> [StoredDraft] {
        try self.read { db in
            if let state {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM draft WHERE state = ? ORDER BY created_at, id", arguments: [state.rawValue]
                ).map(Self.draft(from:))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM draft ORDER BY created_at, id").map(Self.draft(from:))
        }
    }

    /// The drafts made for one message (one, in practice), oldest first: an indexed lookup
    /// (`tact explain` loaded every draft before).
    public func drafts(messageRowID: Int64) throws -> [StoredDraft] {
        try self.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM draft WHERE message_row_id = ? ORDER BY created_at, id", arguments: [messageRowID]
            ).map(Self.draft(from:))
        }
    }

    /// A step on the IMAP server as `tact explain` shows it: what, whether it is done, and how its
    /// attempts went.
    public struct StepStatus: Sendable, Equatable {
        /// "keyword $TactQueued", "append to Drafts", "update the copy in Drafts", "append to Sent",
        /// "flag \Answered".
        public let what: String
        public let done: Bool
        public let attempts: Int
        public let lastError: String?
    }

    /// The server steps recorded with one message (keywords, APPENDs to Drafts), in order.
    public func serverSteps(messageRowID: Int64) throws -> [StepStatus] {
        try self.stepStatuses(
            sql: "SELECT kind, argument, done, attempts, last_error FROM server_step WHERE message_row_id = ? ORDER BY id",
            key: messageRowID
        ) { row in
            let kind: String = row["kind"]
            let argument: String = row["argument"]
            switch kind {
            case "append-draft": return "append to \(argument)"
            case "refresh-draft": return "update the copy in \(argument)"
            default: return "\(kind) \(argument)"
            }
        }
    }

    /// The steps that follow a sent reply (the Sent copy, `\Answered` on the original), in order.
    public func postSendSteps(draftID: Int64) throws -> [StepStatus] {
        try self.stepStatuses(
            sql: "SELECT kind, done, attempts, last_error FROM post_send_step WHERE draft_id = ? ORDER BY kind", key: draftID
        ) { row in
            let kind: String = row["kind"]
            switch PostSendStepKind(rawValue: kind) {
            case .appendToSent: return "append to Sent"
            case .flagAnswered: return "flag \\Answered"
            case nil: return kind
            }
        }
    }

    /// Rows with `done`, `attempts` and `last_error`, each named by `what`.
    private func stepStatuses(sql: String, key: Int64, what: @escaping (Row) -> String) throws -> [StepStatus] {
        try self.read { db in
            try Row.fetchAll(db, sql: sql, arguments: [key]).map { row in
                StepStatus(what: what(row), done: row["done"], attempts: row["attempts"], lastError: row["last_error"])
            }
        }
    }

    /// One line of the review queue: what `tact queue list` shows.
    public struct QueueLine: Sendable, Equatable {
        public let id: Int64
        public let createdAt: Date
        public let customer: String?
        public let category: String?
        public let subject: String?
        public let findingsJSON: String
        public let promisedBy: Date?
    }

    /// The drafts in `state`, oldest first, at most `limit` (nil: all), with the few message fields
    /// the queue list shows, in one indexed query (no bodies are read); and how many there are.
    public func queueLines(in state: DraftState, limit: Int?) throws -> (lines: [QueueLine], total: Int) {
        try self.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM draft WHERE state = ?", arguments: [state.rawValue]) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, d.created_at, d.findings_json, d.promised_by,
                           COALESCE(m.sender_name, m.sender) AS customer, m.category, m.subject
                    FROM draft d LEFT JOIN message m ON m.id = d.message_row_id
                    WHERE d.state = ? ORDER BY d.created_at, d.id LIMIT ?
                    """,
                arguments: [state.rawValue, limit ?? -1])
            let lines = rows.map { row in
                let promised: Double? = row["promised_by"]
                return QueueLine(
                    id: row["id"], createdAt: Date(timeIntervalSince1970: row["created_at"]), customer: row["customer"],
                    category: row["category"], subject: row["subject"], findingsJSON: row["findings_json"],
                    promisedBy: promised.map(Date.init(timeIntervalSince1970:)))
            }
            return (lines, total)
        }
    }

    /// Queued and approved drafts whose promised time is before `date` (for `tact status`), queued
    /// ones first, oldest first: id, state and promised time only.
    public func overdueDrafts(before date: Date) throws -> [(id: Int64, state: DraftState, promisedBy: Date)] {
        try self.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, state, promised_by FROM draft
                    WHERE state IN (?, ?) AND promised_by IS NOT NULL AND promised_by < ?
                    ORDER BY state != ?, created_at, id
                    """,
                arguments: [
                    DraftState.queued.rawValue, DraftState.approved.rawValue, date.timeIntervalSince1970,
                    DraftState.queued.rawValue,
                ]
            ).map { row in
                let state: String = row["state"]
                return (row["id"], DraftState(rawValue: state) ?? .queued, Date(timeIntervalSince1970: row["promised_by"]))
            }
        }
    }

    // MARK: - Threads and acknowledgement memory

    public func threadRoot(referencing messageIDs: [String]) throws -> StoredMessage? {
        let ids = Array(Set(messageIDs.filter { !$0.isEmpty })).prefix(100)
        guard !ids.isEmpty else { return nil }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        return try self.read { db in
            // The row's id first: most mail starts no thread we know, and reading a `SELECT *` row
            // through GRDB costs its column layout even when none comes back.
            guard let id = try RawSQL.integer(
                db,
                """
                SELECT MIN(id) FROM (
                    SELECT id FROM message WHERE message_id IN (\(marks))
                    UNION SELECT message_row_id AS id FROM draft WHERE reply_message_id IN (\(marks)))
                """,
                values: (Array(ids) + Array(ids)).map { RawValue.text($0) })
            else { return nil }
            return try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM message WHERE id = ?"), arguments: [id])
                .map(Self.message(from:))
        }
    }

    public func laterMessages(inThreadOf messageRowID: Int64, after date: Date) throws -> [StoredMessage] {
        try self.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM message WHERE recorded_at > ? AND id != ? AND (
                        reason = ? OR (sender = (SELECT sender FROM message WHERE id = ?) AND mailbox = (SELECT mailbox FROM message WHERE id = ?)))
                    ORDER BY id
                    """,
                arguments: [date.timeIntervalSince1970, messageRowID, "follow-up of message \(messageRowID)", messageRowID, messageRowID]
            ).map(Self.message(from:))
        }
    }

    public func lastAcknowledgement(of sender: String) throws -> Date? {
        try self.read { db in
            try RawSQL.real(
                db, "SELECT MAX(recorded_at) FROM message WHERE sender = ? AND outcome = ?",
                .text(sender.lowercased()), .text(MessageOutcome.drafted.rawValue)
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Counting the window's index entries costs time in proportion to the acknowledgements of
    /// the last hour (during a backlog, everything recorded so far): asked for every message, that
    /// made a backlog quadratic. Inside a batch (one transaction, so nothing else writes), the
    /// count is read in full once per mailbox and then kept up to date exactly: minus (or plus)
    /// the rows between the previous and the new window start, plus the drafted rows recorded
    /// since (row ids only grow: AUTOINCREMENT).
    public func acknowledgementCount(mailbox: String, since date: Date) throws -> Int {
        let since = date.timeIntervalSince1970
        let drafted = MessageOutcome.drafted.rawValue
        func fullCount(_ db: Database) throws -> Int {
            Int(
                try RawSQL.integer(
                    db, "SELECT COUNT(*) FROM message WHERE mailbox = ? AND outcome = ? AND recorded_at >= ?",
                    .text(mailbox), .text(drafted), .real(since)) ?? 0)
        }
        guard let db = self.currentBatch else { return try self.pool.read(fullCount) }
        let thread = pthread_self()
        let known = self.batches.lock.withLock { self.batches.windows[thread]?[mailbox] }
        let lastRowID: Int64
        var count: Int
        if let known {
            // One statement for the three numbers: the newest row, the rows between the two
            // window starts (old or new; the start moves either way, as each message of a batch
            // brings its own clock), and the rows recorded since the last count. NOT INDEXED: a
            // rowid range over the new rows, not the window's index range.
            let numbers = try Self.numbers(
                db,
                sql: """
                    SELECT IFNULL((SELECT MAX(id) FROM message), 0),
                        (SELECT COUNT(*) FROM message WHERE mailbox = ?1 AND outcome = ?2 AND recorded_at >= ?3 AND recorded_at < ?4),
                        (SELECT COUNT(*) FROM message NOT INDEXED WHERE id > ?5 AND mailbox = ?1 AND outcome = ?2 AND recorded_at >= ?6)
                    """,
                count: 3,
                arguments: [.text(mailbox), .text(drafted), .real(min(known.since, since)), .real(max(known.since, since)),
                            .integer(known.lastRowID), .real(known.since)])
            lastRowID = numbers[0]
            let (between, added) = (Int(numbers[1]), Int(numbers[2]))
            count = known.count + (since < known.since ? between : -between) + added
            if lastRowID < known.lastRowID { count = try fullCount(db) }
        } else {
            let numbers = try Self.numbers(
                db,
                sql: """
                    SELECT IFNULL((SELECT MAX(id) FROM message), 0),
                        (SELECT COUNT(*) FROM message WHERE mailbox = ? AND outcome = ? AND recorded_at >= ?)
                    """,
                count: 2,
                arguments: [.text(mailbox), .text(drafted), .real(since)])
            lastRowID = numbers[0]
            count = Int(numbers[1])
        }
        self.batches.lock.withLock {
            self.batches.windows[thread, default: [:]][mailbox] = AcknowledgementWindow(
                since: since, count: count, lastRowID: lastRowID)
        }
        return count
    }

    /// The `count` integers of the one row `sql` gives (read through `RawSQL`: a GRDB `Row` of
    /// several columns cost ~35 k instructions, laying out and lower-casing the column names).
    static func numbers(_ db: Database, sql: String, count: Int, arguments: [RawValue]) throws -> [Int64] {
        guard let numbers = try RawSQL.integers(db, sql, count: count, values: arguments) else {
            // A SELECT of scalar subqueries always gives one row.
            throw StoreError(.notFound, "the store gave no row for the hourly count, which SQLite always gives: the database file may be damaged (check it with `sqlite3 FILE 'PRAGMA integrity_check'`)")
        }
        return numbers
    }

    public func revise(draft id: Int64, to draft: NewDraft, category: String, actor: String, detail: String) throws
        -> StoredDraft
    {
        try self.write { db in
            try db.execute(
                sql: """
                    UPDATE draft SET template = ?, subject = ?, body = ?, findings_json = ?, promised_by = ?, updated_at = ?
                    WHERE id = ? AND state = ?
                    """,
                arguments: [
                    draft.template, draft.subject, draft.body, draft.findingsJSON, draft.promisedBy?.timeIntervalSince1970,
                    Date().timeIntervalSince1970, id, DraftState.queued.rawValue,
                ])
            guard db.changesCount == 1 else {
                guard let current = try Row.fetchOne(db, sql: "SELECT state FROM draft WHERE id = ?", arguments: [id])
                else { throw StoreError(.notFound, "there is no draft \(id): check the id with `tact queue list`") }
                throw try Self.conflict(db, draft: id, state: current["state"])
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM draft WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "there is no draft \(id)")
            }
            let stored = Self.draft(from: row)
            try db.execute(sql: "UPDATE message SET category = ? WHERE id = ?", arguments: [category, stored.messageRowID])
            try Self.audit(db, actor: actor, messageRowID: stored.messageRowID, draftID: id, action: "revised", detail: detail)
            try Self.refreshDraftsCopy(db, draft: stored, now: Date().timeIntervalSince1970)
            return stored
        }
    }

    // MARK: - Mailbox state and counts

    public func mailboxState(_ mailbox: String) throws -> MailboxState? {
        try self.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM mailbox_state WHERE mailbox = ?", arguments: [mailbox]).map { row in
                let validity: Int64 = row["uid_validity"]
                let last: Int64 = row["last_uid"]
                let checked: Double? = row["last_check_at"]
                let resyncUntil: Int64 = row["resync_until_uid"]
                return MailboxState(
                    mailbox: row["mailbox"], uidValidity: UInt32(truncatingIfNeeded: validity),
                    lastUID: UInt32(truncatingIfNeeded: last), baselineAt: Date(timeIntervalSince1970: row["baseline_at"]),
                    lastCheckAt: checked.map(Date.init(timeIntervalSince1970:)), lastError: row["last_error"],
                    resyncUntilUID: UInt32(truncatingIfNeeded: resyncUntil))
            }
        }
    }

    public func save(_ state: MailboxState) throws {
        try self.write { db in
            try db.execute(
                sql: """
                    INSERT INTO mailbox_state (mailbox, uid_validity, last_uid, baseline_at, last_check_at, last_error,
                                               resync_until_uid)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,
                        last_uid = excluded.last_uid, baseline_at = excluded.baseline_at,
                        last_check_at = excluded.last_check_at, last_error = excluded.last_error,
                        resync_until_uid = excluded.resync_until_uid
                    """,
                arguments: [
                    state.mailbox, Int64(state.uidValidity), Int64(state.lastUID), state.baselineAt.timeIntervalSince1970,
                    state.lastCheckAt?.timeIntervalSince1970, state.lastError, Int64(state.resyncUntilUID),
                ])
        }
    }

    public func draftCounts() throws -> [DraftState: Int] {
        try self.read { db in
            var counts: [DraftState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM draft GROUP BY state") {
                let state: String = row["state"]
                if let known = DraftState(rawValue: state) { counts[known] = row["n"] }
            }
            return counts
        }
    }

    public func outcomeCounts(mailbox: String) throws -> [MessageOutcome: Int] {
        try self.read { db in
            var counts: [MessageOutcome: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT outcome, COUNT(*) AS n FROM message WHERE mailbox = ? GROUP BY outcome", arguments: [mailbox])
            {
                let outcome: String = row["outcome"]
                if let known = MessageOutcome(rawValue: outcome) { counts[known] = row["n"] }
            }
            return counts
        }
    }

    // MARK: - Audit

    public func auditTrail(messageRowID: Int64) throws -> [AuditEntry] {
        try self.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE message_row_id = ? ORDER BY id", arguments: [messageRowID])
                .map { row in
                    AuditEntry(
                        at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"],
                        messageRowID: row["message_row_id"], draftID: row["draft_id"], action: row["action"],
                        detail: row["detail"])
                }
        }
    }

    /// The error for a lost compare-and-set, naming who acted last, e.g. "draft 12 was already
    /// approved by sam", read in the same transaction that saw the conflict.
    private static func conflict(_ db: Database, draft id: Int64, state: String) throws -> StoreError {
        let last = try Row.fetchOne(
            db,
            sql: """
                SELECT actor, action FROM audit
                WHERE message_row_id = (SELECT message_row_id FROM draft WHERE id = ?) AND draft_id = ?
                ORDER BY id DESC LIMIT 1
                """,
            arguments: [id, id])
        let actor: String? = last?["actor"]
        let action: String? = last?["action"]
        guard let actor else {
            return StoreError(.conflict, "draft \(id) is already \(state) (someone else acted on it first): nothing was changed")
        }
        if action == state {
            return StoreError(.conflict, "draft \(id) was already \(state) by \(actor): nothing was changed")
        }
        return StoreError(.conflict, "draft \(id) is already \(state) (last changed by \(actor)): nothing was changed")
    }

    private static func audit(
        _ db: Database, actor: String, messageRowID: Int64, draftID: Int64?, action: String, detail: String?
    ) throws {
        try RawSQL.execute(
            db, "INSERT INTO audit (at, actor, message_row_id, draft_id, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
            .real(Date().timeIntervalSince1970), .text(actor), .integer(messageRowID), .integer(draftID), .text(action),
            .text(detail))
    }

    // MARK: - Rows to values

    private static func message(from row: Row) -> StoredMessage {
        let uidValidity: Int64 = row["uid_validity"]
        let uid: Int64 = row["uid"]
        let outcome: String = row["outcome"]
        return StoredMessage(
            id: row["id"],
            message: IncomingMessage(
                mailbox: row["mailbox"], uidValidity: UInt32(truncatingIfNeeded: uidValidity),
                uid: UInt32(truncatingIfNeeded: uid), messageID: row["message_id"], sender: row["sender"],
                subject: row["subject"], receivedAt: Date(timeIntervalSince1970: row["received_at"]),
                outcome: MessageOutcome(rawValue: outcome) ?? .suppressed, reason: row["reason"],
                category: row["category"], confidence: row["confidence"], senderName: row["sender_name"],
                customerText: row["customer_text"]))
    }

    private static func draft(from row: Row) -> StoredDraft {
        let state: String = row["state"]
        let promisedBy: Double? = row["promised_by"]
        return StoredDraft(
            id: row["id"], messageRowID: row["message_row_id"], state: DraftState(rawValue: state) ?? .failed,
            draft: NewDraft(
                template: row["template"], subject: row["subject"], body: row["body"],
                findingsJSON: row["findings_json"], promisedBy: promisedBy.map(Date.init(timeIntervalSince1970:)),
                replyMessageID: row["reply_message_id"], recipient: row["recipient"], recipientName: row["recipient_name"],
                inReplyTo: row["in_reply_to"],
                references: (row["references_list"] as String? ?? "").split(separator: " ").map(String.init)),
            stateReason: row["state_reason"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }
}

// MARK: - Outbox: post-send steps and bounces

extension SQLiteStore {
    @discardableResult
    public func markSent(draft id: Int64, reply: String, copy: Data, steps: [PostSendStepKind], actor: String) throws
        -> StoredDraft
    {
        try self.write { db in
            let draft = try Self.applyTransition(db, draft: id, from: .sending, to: .sent, actor: actor, reason: reply, revision: nil)
            let now = Date().timeIntervalSince1970
            if !steps.isEmpty {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO sent_copy (draft_id, bytes) VALUES (?, ?)", arguments: [id, copy])
            }
            for step in steps {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO post_send_step (draft_id, kind, updated_at) VALUES (?, ?, ?)",
                    arguments: [id, step.rawValue, now])
            }
            return draft
        }
    }

    public func pendingPostSendSteps() throws -> [PostSendStep] {
        try self.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.draft_id, s.kind, s.attempts, s.last_error, c.bytes FROM post_send_step s
                    LEFT JOIN sent_copy c ON c.draft_id = s.draft_id
                    WHERE s.done = 0 ORDER BY s.draft_id, s.kind
                    """
            ).compactMap { row in
                guard let kind = PostSendStepKind(rawValue: row["kind"]) else { return nil }
                return PostSendStep(
                    draftID: row["draft_id"], kind: kind, attempts: row["attempts"], lastError: row["last_error"],
                    copy: row["bytes"] ?? Data())
            }
        }
    }

    public func claimPostSendStep(draft id: Int64, kind: PostSendStepKind, for seconds: TimeInterval, now: Date) throws -> Bool {
        try self.write { db in
            let at = now.timeIntervalSince1970
            try db.execute(
                sql: """
                    UPDATE post_send_step SET claimed_until = ?
                    WHERE draft_id = ? AND kind = ? AND done = 0 AND (claimed_until IS NULL OR claimed_until <= ?)
                    """,
                arguments: [at + seconds, id, kind.rawValue, at])
            return db.changesCount == 1
        }
    }

    public func finishPostSendStep(draft id: Int64, kind: PostSendStepKind, error: String?, detail: String?, actor: String)
        throws
    {
        try self.write { db in
            let now = Date().timeIntervalSince1970
            if let error {
                try db.execute(
                    sql: """
                        UPDATE post_send_step SET attempts = attempts + 1, last_error = ?, claimed_until = NULL, updated_at = ?
                        WHERE draft_id = ? AND kind = ? AND done = 0
                        """,
                    arguments: [error, now, id, kind.rawValue])
            } else {
                try db.execute(
                    sql: "UPDATE post_send_step SET done = 1, last_error = NULL, claimed_until = NULL, updated_at = ? WHERE draft_id = ? AND kind = ? AND done = 0",
                    arguments: [now, id, kind.rawValue])
            }
            guard db.changesCount == 1 else { return }
            // The copy is kept only while a step may still need it.
            try db.execute(
                sql: """
                    DELETE FROM sent_copy WHERE draft_id = ?
                    AND NOT EXISTS (SELECT 1 FROM post_send_step WHERE draft_id = ? AND done = 0)
                    """,
                arguments: [id, id])
            guard let messageRowID = try Int64.fetchOne(db, sql: "SELECT message_row_id FROM draft WHERE id = ?", arguments: [id])
            else { return }
            try Self.audit(
                db, actor: actor, messageRowID: messageRowID, draftID: id,
                action: error == nil ? kind.rawValue : "\(kind.rawValue) failed",
                detail: error.map { "\($0); tried again on the next outbox pass" } ?? detail)
        }
    }

    public func drafts(withReplyMessageID messageIDs: [String]) throws -> [StoredDraft] {
        let bare = Set(messageIDs.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")) }.filter { !$0.isEmpty })
        let ids = Array(bare.flatMap { [$0, "<\($0)>"] }.prefix(200))
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        return try self.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM draft WHERE reply_message_id IN (\(marks)) ORDER BY id", arguments: StatementArguments(ids)
            ).map(Self.draft(from:))
        }
    }

    public func recordBounce(_ message: IncomingMessage, draft id: Int64, address: String, status: String?, actor: String)
        throws -> RecordResult
    {
        try self.write { db in
            let (reportRowID, inserted) = try Self.insertMessage(message, db)
            guard inserted else { return .alreadyRecorded(messageRowID: reportRowID) }
            let now = Date().timeIntervalSince1970
            try Self.audit(
                db, actor: actor, messageRowID: reportRowID, draftID: nil, action: message.outcome.rawValue,
                detail: message.reason)
            let sentAt = try Double.fetchOne(
                db, sql: "SELECT MAX(at) FROM audit WHERE draft_id = ? AND action = ?", arguments: [id, DraftState.sent.rawValue])
            let current = try String.fetchOne(db, sql: "SELECT state FROM draft WHERE id = ?", arguments: [id])
            if current == DraftState.sent.rawValue {
                _ = try Self.applyTransition(
                    db, draft: id, from: .sent, to: .bounced, actor: actor,
                    reason: "\(address) bounced it (\(status ?? "no status")); see message \(reportRowID)", revision: nil)
            }
            try db.execute(
                sql: """
                    INSERT INTO bounced_address (address, draft_id, sent_at, recorded_at, status) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(address) DO UPDATE SET draft_id = excluded.draft_id, sent_at = excluded.sent_at,
                        recorded_at = excluded.recorded_at, status = excluded.status
                    """,
                arguments: [address.lowercased(), id, sentAt ?? now, now, status])
            return .recorded(messageRowID: reportRowID, draftID: nil)
        }
    }

    public func bouncedAddress(_ address: String) throws -> BouncedAddress? {
        try self.read { db in
            // Asked for every message: cached statements (preparing them cost more than running
            // them), and an existence check first (reading a `SELECT *` row through GRDB costs its
            // column layout even when none comes back, and nearly every sender never bounced).
            let key = address.lowercased()
            guard try RawSQL.integer(db, "SELECT EXISTS (SELECT 1 FROM bounced_address WHERE address = ?)", .text(key)) == 1
            else { return nil }
            return try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM bounced_address WHERE address = ?"), arguments: [key]
            ).map { row in
                BouncedAddress(
                    address: row["address"], draftID: row["draft_id"], sentAt: Date(timeIntervalSince1970: row["sent_at"]),
                    recordedAt: Date(timeIntervalSince1970: row["recorded_at"]), status: row["status"])
            }
        }
    }
}

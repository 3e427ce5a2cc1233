import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Retention, forgetting a person, and consistent backups.
///
/// Deletions run with `secure_delete` on, and the write-ahead log is checkpointed afterwards, so
/// what was deleted is overwritten in the database file rather than left in free pages.
extension SQLiteStore {
    // MARK: - Retention

    public func purge(recordedBefore cutoff: Date) throws -> PurgeReport {
        let kept = DraftState.keptByRetention.map(\.rawValue).sorted()
        let marks = Array(repeating: "?", count: kept.count).joined(separator: ",")
        // Retention runs inside the daemon: it must never wait on readers (a reviewer's `tact queue
        // list`), so its checkpoint is a passive one; the next automatic checkpoint finishes it.
        let report = try self.securelyDeleting(checkpoint: "PASSIVE") { db -> PurgeReport in
            let cutoffSeconds = cutoff.timeIntervalSince1970
            // A message goes when it is old and none of its drafts is pending or was touched since.
            let pending = """
                EXISTS (SELECT 1 FROM draft d WHERE d.message_row_id = m.id
                        AND (d.state IN (\(marks)) OR d.updated_at >= ?))
                """
            let ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM message m WHERE recorded_at < ? AND NOT \(pending)",
                arguments: StatementArguments([cutoffSeconds] + kept + [cutoffSeconds]))
            let keptCount = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM message m WHERE recorded_at < ? AND \(pending)",
                arguments: StatementArguments([cutoffSeconds] + kept + [cutoffSeconds])) ?? 0
            var report = try Self.deleteMessages(ids, db)
            report.keptForPendingDrafts = keptCount
            return report
        }
        return report
    }

    // MARK: - Forgetting a person

    public func forget(address: String) throws -> ForgetReport {
        let address = address.trimmingCharacters(in: .whitespaces).lowercased()
        guard !address.isEmpty else { throw StoreError(.notFound, "no address was given") }
        return try self.securelyDeleting { db -> ForgetReport in
            let ids = try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM message WHERE sender = ?
                    UNION SELECT message_row_id FROM draft WHERE lower(recipient) = ?
                    ORDER BY 1
                    """,
                arguments: [address, address])
            var names: Set<String> = []
            for chunk in Self.chunks(ids) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                if let sending = try Int64.fetchOne(
                    db, sql: "SELECT id FROM draft WHERE state = ? AND message_row_id IN (\(marks))",
                    arguments: StatementArguments([DraftState.sending.rawValue as DatabaseValueConvertible] + chunk))
                {
                    throw StoreError(
                        .conflict,
                        "draft \(sending) to \(address) is being sent right now: nothing was deleted; run `tact forget` again in a minute")
                }
                for name in try String.fetchAll(
                    db, sql: "SELECT sender_name FROM message WHERE sender_name IS NOT NULL AND id IN (\(marks))",
                    arguments: StatementArguments(chunk))
                    + String.fetchAll(
                        db, sql: "SELECT recipient_name FROM draft WHERE recipient_name IS NOT NULL AND message_row_id IN (\(marks))",
                        arguments: StatementArguments(chunk))
                {
                    let trimmed = name.trimmingCharacters(in: .whitespaces)
                    if trimmed.count >= 3 { names.insert(trimmed.lowercased()) }
                }
            }
            // Their drafts' copies in Drafts folders that may still be there: the draft still
            // waits for a person, or the step removing its copy has not run. Once the rows are
            // gone nothing would remove them, so the report names them.
            var copies: [ForgetReport.DraftCopy] = []
            for chunk in Self.chunks(ids) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let waiting = [DraftState.queued, .approved, .failed, .outcomeUnknown].map(\.rawValue)
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT s.argument AS folder, d.reply_message_id AS message_id
                        FROM server_step s JOIN draft d ON d.id = s.draft_id
                        WHERE s.kind = 'append-draft' AND d.reply_message_id IS NOT NULL AND d.message_row_id IN (\(marks))
                          AND (d.state IN (?, ?, ?, ?)
                               OR EXISTS (SELECT 1 FROM server_step r WHERE r.draft_id = d.id AND r.kind = 'refresh-draft' AND r.done = 0))
                        ORDER BY d.id, s.argument
                        """,
                    arguments: StatementArguments(chunk + waiting.map { $0 as DatabaseValueConvertible }))
                copies += rows.map { ForgetReport.DraftCopy(folder: $0["folder"], messageID: $0["message_id"]) }
            }
            let deleted = try Self.deleteMessages(ids, db)
            // The memory that a reply to them bounced goes too (it names the address).
            try db.execute(sql: "DELETE FROM bounced_address WHERE address = ?", arguments: [address])
            // Other audit rows that name the person (a reviewer's note, a reason): redacted, not deleted,
            // so the trail of what happened to other mail stays whole.
            var redacted = 0
            for needle in [address] + names.sorted() {
                try db.execute(
                    sql: "UPDATE audit SET detail = '[forgotten]' WHERE instr(lower(detail), ?) > 0", arguments: [needle])
                redacted += db.changesCount
            }
            return ForgetReport(
                messageRowIDs: ids, drafts: deleted.drafts, auditRows: deleted.auditRows, auditRowsRedacted: redacted,
                draftCopiesLeft: copies)
        }
    }

    /// Deletes messages with their drafts and audit rows, and says how many rows went.
    private static func deleteMessages(_ ids: [Int64], _ db: Database) throws -> PurgeReport {
        var report = PurgeReport()
        for chunk in Self.chunks(ids) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let arguments = StatementArguments(chunk)
            try db.execute(sql: "DELETE FROM audit WHERE message_row_id IN (\(marks))", arguments: arguments)
            report.auditRows += db.changesCount
            try db.execute(sql: "DELETE FROM draft WHERE message_row_id IN (\(marks))", arguments: arguments)
            report.drafts += db.changesCount
            try db.execute(sql: "DELETE FROM message WHERE id IN (\(marks))", arguments: arguments)
            report.messages += db.changesCount
        }
        return report
    }

    /// Bound parameters stay well under SQLite's limit.
    private static func chunks(_ ids: [Int64]) -> [[Int64]] {
        stride(from: 0, to: ids.count, by: 500).map { Array(ids[$0..<min($0 + 500, ids.count)]) }
    }

    /// Runs `body` in one immediate transaction with `secure_delete` on, then checkpoints the log so
    /// the deleted rows leave the write-ahead log too.
    private func securelyDeleting<T>(checkpoint: String = "TRUNCATE", _ body: @escaping (Database) throws -> T) throws -> T {
        var deletedAnything = false
        let result = try self.pool.writeWithoutTransaction { db -> T in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            var result: T?
            let before = db.totalChangesCount
            try db.inTransaction(.immediate) {
                result = try body(db)
                deletedAnything = db.totalChangesCount > before
                return .commit
            }
            return result!
        }
        // A reader still inside an old snapshot can keep the checkpoint from finishing; it then finishes
        // at the next automatic checkpoint. Nothing deleted: nothing to push out of the log.
        if deletedAnything {
            try? self.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(\(checkpoint))") }
        }
        return result
    }

    // MARK: - Backup

    /// Writes a consistent copy of the store to `destination` while other processes keep reading
    /// and writing (SQLite's `VACUUM INTO`, one read snapshot). The copy is created with mode 0640
    /// under a temporary name in the destination's folder, checked, and then put in place in one
    /// step: without `replacing`, an existing file is never overwritten.
    /// - Returns: the copy's size and row counts.
    /// - Throws: `StoreError(.conflict)` when `destination` exists and `replacing` is false;
    ///   `StoreError(.cannotOpen)` when the copy cannot be written.
    public func backup(to destination: String, replacing: Bool) throws -> BackupReport {
        let directory = destination.lastIndex(of: "/").map { String(destination[..<$0]) } ?? "."
        let folder = directory.isEmpty ? "/" : directory
        if !replacing && FileManager.default.fileExists(atPath: destination) {
            throw StoreError(.conflict, "\(destination) already exists: nothing was written")
        }
        let temporary = "\(folder)/.tact-backup-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw StoreError(
                .cannotOpen, "cannot create a file in \(folder): \(String(cString: strerror(errno))); check that the folder exists and is writable")
        }
        _ = fchmod(fd, 0o640)  // whatever the umask
        close(fd)
        var published = false
        defer { if !published { unlink(temporary) } }
        do {
            try self.pool.writeWithoutTransaction { db in
                // VACUUM INTO reads one snapshot; the pool's writer lock is held only to keep
                // GRDB from starting it inside a transaction: WAL readers elsewhere go on.
                try db.execute(sql: "VACUUM INTO ?", arguments: [temporary])
            }
        } catch let error as DatabaseError {
            throw StoreError(.cannotOpen, "cannot write the backup \(destination): \(error.message ?? "\(error.resultCode)")")
        }
        let report = try Self.check(copy: temporary, reportingAs: destination)
        let syncFD = open(temporary, O_RDONLY | O_CLOEXEC)
        if syncFD >= 0 {
            fsync(syncFD)
            close(syncFD)
        }
        if replacing {
            guard rename(temporary, destination) == 0 else {
                throw StoreError(.cannotOpen, "cannot put the backup at \(destination): \(String(cString: strerror(errno)))")
            }
        } else {
            // link(2) fails rather than replace a file that appeared meanwhile.
            guard link(temporary, destination) == 0 else {
                let reason = errno == EEXIST ? "it already exists" : String(cString: strerror(errno))
                throw StoreError(.conflict, "cannot put the backup at \(destination): \(reason); nothing was written")
            }
            unlink(temporary)
        }
        published = true
        let dirFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
        return report
    }

    /// Opens the copy read-only and checks it page by page.
    private static func check(copy path: String, reportingAs name: String) throws -> BackupReport {
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let verdict = try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer"
                guard verdict == "ok" else {
                    throw StoreError(.cannotOpen, "the backup \(name) failed its integrity check (\(verdict)): it was not kept")
                }
                var status = stat()
                let bytes = stat(path, &status) == 0 ? Int64(status.st_size) : 0
                return BackupReport(
                    path: name, bytes: bytes,
                    messages: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message") ?? 0,
                    drafts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM draft") ?? 0)
            }
        } catch let error as DatabaseError {
            throw StoreError(.cannotOpen, "the backup \(name) cannot be read back: \(error.message ?? "\(error.resultCode)")")
        }
    }
}

/// What `SQLiteStore.backup(to:replacing:)` wrote.
public struct BackupReport: Sendable, Equatable {
    public var path: String
    public var bytes: Int64
    public var messages: Int
    public var drafts: Int
}

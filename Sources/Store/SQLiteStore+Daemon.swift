import Foundation
import GRDB

/// Server steps and pauses: the daemon's bookkeeping beside the messages and drafts.
extension SQLiteStore {
    // MARK: - Server steps

    static func insert(_ steps: [ServerStepKind], _ db: Database, messageRowID: Int64, draftID: Int64?, now: Double) throws {
        for step in steps {
            let columns = step.columns
            // Cached: this runs for every drafted message.
            try RawSQL.execute(
                db,
                """
                INSERT INTO server_step (message_row_id, draft_id, kind, argument, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                .integer(messageRowID), .integer(draftID), .text(columns.kind), .text(columns.argument), .real(now), .real(now))
        }
    }

    public func pendingSteps(mailbox: String) throws -> [ServerStep] {
        try self.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.*, m.mailbox, m.uid_validity, m.uid FROM server_step s JOIN message m ON m.id = s.message_row_id
                    WHERE s.done = 0 AND m.mailbox = ? ORDER BY s.id
                    """,
                arguments: [mailbox]
            ).compactMap { row in
                guard let kind = ServerStepKind(kind: row["kind"], argument: row["argument"]) else { return nil }
                let validity: Int64 = row["uid_validity"]
                let uid: Int64 = row["uid"]
                return ServerStep(
                    id: row["id"], messageRowID: row["message_row_id"], draftID: row["draft_id"], mailbox: row["mailbox"],
                    uidValidity: UInt32(truncatingIfNeeded: validity), uid: UInt32(truncatingIfNeeded: uid), kind: kind,
                    attempts: row["attempts"], lastError: row["last_error"])
            }
        }
    }

    public func finishStep(_ id: Int64, error: String?) throws {
        try self.write { db in
            try db.execute(
                sql: """
                    UPDATE server_step SET done = ?, attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ?
                    """,
                arguments: [error == nil ? 1 : 0, error, Date().timeIntervalSince1970, id])
        }
    }

    /// Whether any reply waits in `approved`: one indexed look, cheap enough to ask every 2 s.
    public func hasApprovedDrafts() throws -> Bool {
        try self.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM draft WHERE state = ?)", arguments: [DraftState.approved.rawValue])
                ?? false
        }
    }

    // MARK: - Pauses

    private static func scope(_ mailbox: String?) -> String { mailbox.map { "mailbox:\($0)" } ?? "*" }

    public func pause(mailbox: String?, actor: String, reason: String?) throws {
        try self.write { db in
            let now = Date().timeIntervalSince1970
            try db.execute(
                sql: "INSERT OR IGNORE INTO pause (scope, actor, reason, since) VALUES (?, ?, ?, ?)",
                arguments: [Self.scope(mailbox), actor, reason, now])
            try db.execute(
                sql: "INSERT INTO control_log (at, actor, action, scope, detail) VALUES (?, ?, 'pause', ?, ?)",
                arguments: [now, actor, Self.scope(mailbox), reason])
        }
    }

    @discardableResult
    public func resume(mailbox: String?, actor: String) throws -> Bool {
        try self.write { db in
            try db.execute(sql: "DELETE FROM pause WHERE scope = ?", arguments: [Self.scope(mailbox)])
            let lifted = db.changesCount > 0
            try db.execute(
                sql: "INSERT INTO control_log (at, actor, action, scope, detail) VALUES (?, ?, 'resume', ?, ?)",
                arguments: [Date().timeIntervalSince1970, actor, Self.scope(mailbox), lifted ? nil : "was not paused"])
            return lifted
        }
    }

    public func pauses() throws -> [Pause] {
        try self.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pause ORDER BY since").map { row in
                let scope: String = row["scope"]
                return Pause(
                    mailbox: scope == "*" ? nil : String(scope.dropFirst("mailbox:".count)), actor: row["actor"],
                    reason: row["reason"], since: Date(timeIntervalSince1970: row["since"]))
            }
        }
    }
}

import Foundation
import GRDB
import GRDBSQLite
import Testing

@testable import Store

/// `RawSQL` binds and steps GRDB's cached statements through SQLite's C interface. What it writes
/// must read back exactly as what GRDB writes for the same Swift values (type and value), reads
/// must see the first row, errors must be GRDB's `DatabaseError`, and no statement may be left
/// running (holding a read transaction) afterwards.
@Suite struct RawSQLTests {
    typealias Values = (integer: Int64?, real: Double?, text: String?)

    static let values: [Values] = [
        (0, 0, ""), (nil, nil, nil), (Int64.max, 1.0 / 3.0, "Zoë"), (Int64.min, -1e300, "a\u{0}b"),
        (42, 1_800_000_000.123456, "👩‍💻 Jean-Pierre O'Brien"), (-1, .leastNonzeroMagnitude, String(repeating: "x", count: 100_000)),
        (7, -0.0, "line\nline\r\n\ttab"),
    ]

    func database() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE raw (id INTEGER PRIMARY KEY, i, r, s)")
            try db.execute(sql: "CREATE TABLE grdb (id INTEGER PRIMARY KEY, i, r, s)")
        }
        return queue
    }

    @Test func rowsWrittenReadBackAsGRDBsOwnWithTheSameTypes() throws {
        let queue = try database()
        try queue.write { db in
            for value in Self.values {
                try RawSQL.execute(db, "INSERT INTO raw (i, r, s) VALUES (?, ?, ?)", .integer(value.integer), .real(value.real), .text(value.text))
                try db.execute(sql: "INSERT INTO grdb (i, r, s) VALUES (?, ?, ?)", arguments: [value.integer, value.real, value.text])
            }
        }
        let columns = "i, typeof(i), r, typeof(r), s, typeof(s), length(CAST(s AS BLOB))"
        let raw = try queue.read { try Row.fetchAll($0, sql: "SELECT \(columns) FROM raw ORDER BY id") }
        let grdb = try queue.read { try Row.fetchAll($0, sql: "SELECT \(columns) FROM grdb ORDER BY id") }
        #expect(raw.count == Self.values.count)
        // (Compared without printing: one value is 100,000 characters long.)
        #expect(raw == grdb, "rows differ at \(zip(raw, grdb).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset))")
        // And the values themselves, not only the agreement: an empty text is a text (not NULL),
        // NULL is NULL, and a text stops at a NUL, as GRDB binds it (so a Message-ID compares
        // equal in SQL whichever of the two bound it).
        let texts = try queue.read { try String?.fetchAll($0, sql: "SELECT s FROM raw ORDER BY id") }
        #expect(texts == Self.values.map { $0.text.map { String($0.prefix { $0 != "\u{0}" }) } })
        #expect(texts[0] == "" && texts[1] == nil && texts[3] == "a")
        let reals = try queue.read { try Double?.fetchAll($0, sql: "SELECT r FROM raw ORDER BY id") }
        #expect(reals.map { $0?.bitPattern } == Self.values.map { $0.real?.bitPattern })
        let integers = try queue.read { try Int64?.fetchAll($0, sql: "SELECT i FROM raw ORDER BY id") }
        #expect(integers == Self.values.map(\.integer))
    }

    @Test func readsGiveTheFirstRowsFirstColumnOrNil() throws {
        let queue = try database()
        try queue.write { db in
            for value in Self.values {
                try RawSQL.execute(db, "INSERT INTO raw (i, r, s) VALUES (?, ?, ?)", .integer(value.integer), .real(value.real), .text(value.text))
            }
            #expect(try RawSQL.integer(db, "SELECT i FROM raw WHERE id >= ? ORDER BY id", .integer(3)) == Int64.max)
            #expect(try RawSQL.real(db, "SELECT r FROM raw WHERE id >= ? ORDER BY id", .integer(3)) == 1.0 / 3.0)
            #expect(try RawSQL.text(db, "SELECT s FROM raw WHERE id >= ? ORDER BY id", .integer(5)) == "👩‍💻 Jean-Pierre O'Brien")
            #expect(try RawSQL.text(db, "SELECT ?", .text("Zoë")) == "Zoë")
            #expect(try RawSQL.text(db, "SELECT s FROM raw WHERE id = ?", .integer(1)) == "")
            // No row, and a NULL value, are both nil.
            #expect(try RawSQL.integer(db, "SELECT i FROM raw WHERE id = ?", .integer(999)) == nil)
            #expect(try RawSQL.integer(db, "SELECT i FROM raw WHERE id = ?", .integer(2)) == nil)
            #expect(try RawSQL.text(db, "SELECT s FROM raw WHERE id = ?", .integer(2)) == nil)
            #expect(try RawSQL.real(db, "SELECT r FROM raw WHERE id = ?", .integer(2)) == nil)
            // Several integer columns of one row, NULL as 0; no row is nil; more columns than the
            // statement has is an error, not a read past its end.
            #expect(try RawSQL.integers(db, "SELECT ?1, NULL, ?1 + 1", count: 3, values: [.integer(41)]) == [41, 0, 42])
            #expect(try RawSQL.integers(db, "SELECT id, i FROM raw WHERE id > ?", count: 2, values: [.integer(999)]) == nil)
            #expect(throws: DatabaseError.self) { try RawSQL.integers(db, "SELECT 1, 2", count: 3, values: []) }
            // Numbered parameters take the values in order.
            #expect(try RawSQL.integer(db, "SELECT ?2 - ?1", .integer(5), .integer(8)) == 3)
        }
    }

    @Test func noStatementIsLeftRunningAfterAReadOfOneRowOfMany() throws {
        let queue = try database()
        try queue.write { db in
            for value in Self.values {
                try RawSQL.execute(db, "INSERT INTO raw (i, r, s) VALUES (?, ?, ?)", .integer(value.integer), .real(value.real), .text(value.text))
            }
            let sql = "SELECT id FROM raw ORDER BY id"
            #expect(try RawSQL.integer(db, sql) == 1)
            #expect(sqlite3_stmt_busy(try db.cachedStatement(sql: sql).sqliteStatement) == 0)
            // And after an error, too.
            #expect(throws: DatabaseError.self) { try RawSQL.execute(db, "INSERT INTO raw (id) VALUES (?)", .integer(1)) }
            #expect(sqlite3_stmt_busy(try db.cachedStatement(sql: "INSERT INTO raw (id) VALUES (?)").sqliteStatement) == 0)
            // The statement is used again with new values, not the previous ones.
            try RawSQL.execute(db, "INSERT INTO raw (id) VALUES (?)", .integer(100))
            #expect(try RawSQL.integer(db, "SELECT COUNT(*) FROM raw WHERE id = 100") == 1)
        }
    }

    @Test func errorsAreGRDBsDatabaseErrorWithTheCodeMessageAndStatement() throws {
        let queue = try database()
        try queue.write { db in
            try RawSQL.execute(db, "INSERT INTO raw (id, s) VALUES (?, ?)", .integer(1), .text("first"))
            let duplicate = #expect(throws: DatabaseError.self) {
                try RawSQL.execute(db, "INSERT INTO raw (id, s) VALUES (?, ?)", .integer(1), .text("second"))
            }
            #expect(duplicate?.resultCode == .SQLITE_CONSTRAINT)
            #expect(duplicate?.message?.contains("UNIQUE constraint failed") == true)
            #expect(duplicate?.sql == "INSERT INTO raw (id, s) VALUES (?, ?)")
            // One value too few or too many is refused before anything runs.
            let missing = #expect(throws: DatabaseError.self) { try RawSQL.execute(db, "INSERT INTO raw (id, s) VALUES (?, ?)", .integer(2)) }
            #expect(missing?.resultCode == .SQLITE_RANGE)
            #expect(throws: DatabaseError.self) {
                try RawSQL.execute(db, "INSERT INTO raw (id) VALUES (?)", .integer(3), .text("extra"))
            }
            #expect(try RawSQL.integer(db, "SELECT COUNT(*) FROM raw") == 1)
            // More columns asked than the statement has: refused, not read past its end.
            let columns = #expect(throws: DatabaseError.self) { try RawSQL.integers(db, "SELECT 1, 2", count: 3, values: []) }
            #expect(columns?.resultCode == .SQLITE_RANGE)
            #expect(try RawSQL.integers(db, "SELECT 1, 2", count: 2, values: []) == [1, 2])
        }
    }
}

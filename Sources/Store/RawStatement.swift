import GRDB
import GRDBSQLite

/// A value bound to a statement run by `RawSQL`: an integer, a real or a text, each of which may
/// be NULL. Bound as GRDB binds the same Swift values (Int64, Double, String), so a row written
/// here is the row GRDB would have written.
enum RawValue {
    case integer(Int64?)
    case real(Double?)
    case text(String?)
}

/// The statements run for every message of a backlog, bound and stepped through SQLite's C
/// interface on GRDB's own cached statement (GRDB still prepares, caches and finalises it).
///
/// Measured (callgrind, `TactBench record 1`): through GRDB's `execute(arguments:)` and
/// `fetchOne`, building `StatementArguments` from existentials, checking them, binding them and
/// reading the row through a cursor cost more than SQLite's own work for these statements.
enum RawSQL {
    /// Runs `sql` to its end (an INSERT, UPDATE or DELETE).
    static func execute(_ db: Database, _ sql: String, _ values: RawValue...) throws {
        _ = try self.run(db, sql, values, firstRow: false) { _ in () }
    }

    /// The first column of the first row as an integer; nil when there is no row or it is NULL.
    static func integer(_ db: Database, _ sql: String, _ values: RawValue...) throws -> Int64? {
        try self.integer(db, sql, values: values)
    }

    static func integer(_ db: Database, _ sql: String, values: [RawValue]) throws -> Int64? {
        try self.run(db, sql, values, firstRow: true) { handle in
            sqlite3_column_type(handle, 0) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 0)
        } ?? nil
    }

    /// The first row's first `count` columns as integers (NULL as 0); nil when there is no row.
    static func integers(_ db: Database, _ sql: String, count: Int, values: [RawValue]) throws -> [Int64]? {
        try self.run(db, sql, values, firstRow: true, columns: count) { handle in
            (0..<Int32(count)).map { sqlite3_column_int64(handle, $0) }
        }
    }

    /// The first column of the first row as a real; nil when there is no row or it is NULL.
    static func real(_ db: Database, _ sql: String, _ values: RawValue...) throws -> Double? {
        try self.run(db, sql, values, firstRow: true) { handle in
            sqlite3_column_type(handle, 0) == SQLITE_NULL ? nil : sqlite3_column_double(handle, 0)
        } ?? nil
    }

    /// The first column of the first row as a text; nil when there is no row or it is NULL.
    static func text(_ db: Database, _ sql: String, _ values: RawValue...) throws -> String? {
        try self.text(db, sql, values: values)
    }

    static func text(_ db: Database, _ sql: String, values: [RawValue]) throws -> String? {
        try self.run(db, sql, values, firstRow: true) { handle in
            guard sqlite3_column_type(handle, 0) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, 0) else { return nil }
            let count = Int(sqlite3_column_bytes(handle, 0))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        } ?? nil
    }

    /// Binds `values`, steps, hands the first row (if any) to `read`, and resets the statement
    /// whatever happens, so that no statement is left holding a read transaction open. `read`
    /// may read the first `columns` columns; a statement with fewer is refused before it runs.
    private static func run<T>(
        _ db: Database, _ sql: String, _ values: [RawValue], firstRow: Bool, columns: Int = 0, read: (OpaquePointer) -> T
    ) throws -> T? {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        guard Int(sqlite3_column_count(handle)) >= columns else {
            throw DatabaseError(
                resultCode: .SQLITE_RANGE, message: "\(columns) columns asked of a statement that has \(sqlite3_column_count(handle))",
                sql: sql)
        }
        // The code of a reset repeats the previous step's error, which was reported then.
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        guard Int(sqlite3_bind_parameter_count(handle)) == values.count else {
            throw DatabaseError(
                resultCode: .SQLITE_RANGE,
                message: "\(values.count) values for \(sqlite3_bind_parameter_count(handle)) parameters", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let number?): code = sqlite3_bind_int64(handle, index, number)
            case .real(let number?): code = sqlite3_bind_double(handle, index, number)
            case .text(let text?): code = Self.bind(text, handle, index)
            case .integer(nil), .real(nil), .text(nil): code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw Self.error(db, code, sql) }
        }
        var result: T?
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_ROW {
                if result == nil { result = read(handle) }
                if firstRow { return result }
                continue
            }
            if code == SQLITE_DONE { return result }
            throw Self.error(db, code, sql)
        }
    }

    /// Binds the text as GRDB does: up to its first NUL (a NUL-terminated C string), copied by
    /// SQLite (SQLITE_TRANSIENT). So a value compares equal in SQL whichever of the two bound it.
    private static func bind(_ text: String, _ handle: OpaquePointer, _ index: Int32) -> Int32 {
        text.withCString { sqlite3_bind_text(handle, index, $0, -1, unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)) }
    }

    private static func error(_ db: Database, _ code: Int32, _ sql: String) -> DatabaseError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}

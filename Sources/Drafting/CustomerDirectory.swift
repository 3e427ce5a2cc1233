import Foundation

/// The deployment's customer directory: a CSV file with a header row naming its columns.
/// `email` is required; `name`, `customer_since` (YYYY-MM-DD) and `tier` are optional; other
/// columns are ignored, so a CRM export can be used as it is. Quoted fields (RFC 4180) may hold
/// commas, quotes (doubled) and line breaks.
public struct CustomerDirectory: Sendable {
    private let records: [String: CustomerRecord]

    public var count: Int { self.records.count }

    /// The record for an address (compared case-insensitively), if there is one.
    public func record(for address: String) -> CustomerRecord? {
        self.records[address.lowercased()]
    }

    public init(records: [String: CustomerRecord]) {
        self.records = Dictionary(records.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Loads `path`. - Throws: `CustomerDirectoryError` naming the file, the line and the fix.
    public init(path: String) throws(CustomerDirectoryError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CustomerDirectoryError(path: path, line: 0, message: "cannot read the file: check customers_file in tact.toml and its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CustomerDirectoryError(path: path, line: 0, message: "the file is not UTF-8: export it as UTF-8 CSV")
        }
        try self.init(csv: text, path: path)
    }

    public init(csv text: String, path: String = "customers.csv") throws(CustomerDirectoryError) {
        let rows = try Self.rows(of: text, path: path)
        guard let (headerLine, header) = rows.first else {
            throw CustomerDirectoryError(path: path, line: 1, message: "the file is empty: the first line names the columns, e.g. email,name,customer_since,tier")
        }
        let columns = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let emailColumn = columns.firstIndex(of: "email") else {
            throw CustomerDirectoryError(path: path, line: headerLine, message: "no \"email\" column: the first line must name the columns, one of them email")
        }
        let nameColumn = columns.firstIndex(of: "name")
        let sinceColumn = columns.firstIndex(of: "customer_since")
        let tierColumn = columns.firstIndex(of: "tier")
        var records: [String: CustomerRecord] = [:]
        for (line, fields) in rows.dropFirst() {
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func field(_ column: Int?) -> String? {
                guard let column, column < fields.count else { return nil }
                let value = fields[column].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            guard let email = field(emailColumn), email.contains("@") else {
                throw CustomerDirectoryError(path: path, line: line, message: "the email column is empty or not an address")
            }
            var since: LocalDate?
            if let text = field(sinceColumn) {
                do {
                    since = try LocalDate(parsing: text)
                } catch {
                    throw CustomerDirectoryError(path: path, line: line, message: "customer_since: \(error)")
                }
            }
            records[email.lowercased()] = CustomerRecord(name: field(nameColumn), since: since, tier: field(tierColumn))
        }
        self.records = records
    }

    /// RFC 4180 rows with the line each starts on.
    static func rows(of text: String, path: String) throws(CustomerDirectoryError) -> [(Int, [String])] {
        var rows: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var characters = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let character = pending { pending = nil; return character }
            return characters.next()
        }
        while let character = next() {
            if inQuotes {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { inQuotes = false; pending = following }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if character.isNewline { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty:
                inQuotes = true
            case ",":
                fields.append(field)
                field = ""
            case _ where character.isNewline:
                fields.append(field)
                rows.append((rowLine, fields))
                fields = []
                field = ""
                line += 1
                rowLine = line
            default:
                field.append(character)
            }
        }
        if inQuotes {
            throw CustomerDirectoryError(path: path, line: rowLine, message: "a quoted field is never closed: add the closing \"")
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append((rowLine, fields))
        }
        return rows
    }
}

public struct CustomerDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let message: String
    public var description: String { "\(self.path):\(self.line): \(self.message)" }
}

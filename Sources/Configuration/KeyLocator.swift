import Foundation

/// Finds the line of a key path in TOML text. TOMLKit reports positions only for syntax errors,
/// so validation errors would otherwise say which key but not where; this light scan of the
/// table headers and `key =` lines covers the way `config/tact.toml` is written (one key per
/// line, `[[mailbox]]`, `[mailbox.smtp]`, `[smtp]`). Keys it cannot place fall back to the line
/// of their table, or to no line.
struct KeyLocator: Sendable {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var table = ""
        var mailboxCount = 0
        let allLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in allLines.enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("[[") {
                let name = Self.headerName(line, brackets: 2)
                if name == "mailbox" {
                    mailboxCount += 1
                    table = "mailbox[\(mailboxCount)]"
                } else {
                    table = name
                }
                self.record(table, lineNumber)
            } else if line.hasPrefix("[") {
                let name = Self.headerName(line, brackets: 1)
                if name.hasPrefix("mailbox."), mailboxCount > 0 {
                    table = "mailbox[\(mailboxCount)]" + name.dropFirst("mailbox".count)
                } else {
                    table = name
                }
                self.record(table, lineNumber)
            } else if let equals = line.firstIndex(of: "=") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                guard !key.isEmpty else { continue }
                self.record(table.isEmpty ? key : "\(table).\(key)", lineNumber)
            }
        }
    }

    private mutating func record(_ path: String, _ line: Int) {
        // The first occurrence is the one a reader looks for; TOML forbids real duplicates anyway.
        if self.lines[path] == nil { self.lines[path] = line }
    }

    private static func headerName(_ line: String, brackets: Int) -> String {
        var name = line.dropFirst(brackets)
        if let end = name.firstIndex(of: "]") { name = name[..<end] }
        return name.split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ".")
    }

    /// The line of `path`, else of the closest enclosing table that has one.
    func line(of path: String) -> Int? {
        var candidate = path
        while true {
            if let line = self.lines[candidate] { return line }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = String(candidate[..<dot])
        }
    }
}

import TOMLKit

/// Typed, path-aware access to one TOML table: every read names its key path in errors, and
/// `rejectUnknownKeys` turns typos into errors instead of silently ignored settings.
/// Error texts name types and keys, never values, so a secret typed into the wrong key stays out.
struct TableReader {
    let table: TOMLTable
    /// `mailbox[1]`, `smtp`, `mailbox[1].smtp`, or "" for the top level.
    let path: String
    let source: String
    let locator: KeyLocator

    func keyPath(_ key: String) -> String { self.path.isEmpty ? key : "\(self.path).\(key)" }

    func error(_ kind: ConfigurationError.Kind, _ key: String?, _ problem: String, fix: String)
        -> ConfigurationError
    {
        let keyPath = key.map(self.keyPath) ?? (self.path.isEmpty ? nil : self.path)
        return ConfigurationError(
            kind, source: self.source, keyPath: keyPath, line: keyPath.flatMap { self.locator.line(of: $0) },
            problem: problem, fix: fix)
    }

    /// Keys that hold a secret literally. Named here so the error can say where secrets go instead.
    static let secretLiteralKeys: Set<String> = ["password", "pass", "secret", "token", "oauth2_token"]

    func rejectUnknownKeys(allowed: [String], secretAdvice: String) throws(ConfigurationError) {
        for key in self.table.keys.sorted() where !allowed.contains(key) {
            if Self.secretLiteralKeys.contains(key.lowercased()) {
                throw self.error(
                    .secretInFile, key, "secrets must not be written into the configuration file",
                    fix: secretAdvice)
            }
            var fix = "remove it; known keys here are \(allowed.joined(separator: ", "))"
            if let close = Self.closest(to: key, among: allowed) {
                fix = "did you mean \"\(close)\"? Otherwise " + fix
            }
            throw self.error(.unknownKey, key, "unknown key \"\(key)\"", fix: fix)
        }
    }

    private func value(_ key: String) -> TOMLValueConvertible? { self.table[key] }

    private func wrongType(_ key: String, expected: String, example: String, found: TOMLType)
        -> ConfigurationError
    {
        self.error(
            .wrongType, key, "expected \(expected), found \(Self.article(found))", fix: "write it as \(example)")
    }

    private static func article(_ type: TOMLType) -> String {
        switch type {
        case .int: return "an integer"
        case .array: return "an array"
        default: return "a \(type.description)"
        }
    }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = self.value(key) else { return nil }
        guard let string = value.string else {
            throw self.wrongType(key, expected: "a string", example: "\(key) = \"...\"", found: value.type)
        }
        return string
    }

    func requiredString(_ key: String, meaning: String) throws(ConfigurationError) -> String {
        guard let string = try self.string(key) else {
            throw self.error(.missingKey, key, "missing", fix: "add \(key) = \"...\" (\(meaning))")
        }
        guard !string.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw self.error(.invalidValue, key, "is empty", fix: "give \(meaning)")
        }
        return string
    }

    func int(_ key: String) throws(ConfigurationError) -> Int? {
        guard let value = self.value(key) else { return nil }
        guard let int = value.int else {
            throw self.wrongType(key, expected: "an integer", example: "\(key) = 123 (no quotes)", found: value.type)
        }
        return int
    }

    /// A number; an integer is taken as well (`1` for `1.0`).
    func double(_ key: String) throws(ConfigurationError) -> Double? {
        guard let value = self.value(key) else { return nil }
        if let double = value.double { return double }
        if let int = value.int { return Double(int) }
        throw self.wrongType(key, expected: "a number", example: "\(key) = 0.85 (no quotes)", found: value.type)
    }

    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let value = self.value(key) else { return nil }
        guard let bool = value.bool else {
            throw self.wrongType(
                key, expected: "true or false", example: "\(key) = true (no quotes)", found: value.type)
        }
        return bool
    }

    func stringArray(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let value = self.value(key) else { return nil }
        guard let array = value.array else {
            throw self.wrongType(
                key, expected: "an array of strings", example: "\(key) = [\"...\", \"...\"]", found: value.type)
        }
        var strings: [String] = []
        for (index, element) in array.enumerated() {
            guard let string = element.string else {
                throw self.error(
                    .wrongType, "\(key)[\(index + 1)]", "expected a string, found \(Self.article(element.type))",
                    fix: "quote every entry: \(key) = [\"...\", \"...\"]")
            }
            strings.append(string)
        }
        return strings
    }

    func subtable(_ key: String) throws(ConfigurationError) -> TableReader? {
        guard let value = self.value(key) else { return nil }
        guard let table = value.table else {
            throw self.wrongType(
                key, expected: "a table", example: "a [\(self.keyPath(key))] section", found: value.type)
        }
        return TableReader(table: table, path: self.keyPath(key), source: self.source, locator: self.locator)
    }

    /// The known key nearest to a typo, if it is close enough to be the one meant.
    static func closest(to key: String, among known: [String]) -> String? {
        let lowered = key.lowercased()
        let scored = known.map { ($0, editDistance(lowered, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored else { return nil }
        let limit = max(2, min(3, best.count / 3))
        return distance <= limit ? best : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

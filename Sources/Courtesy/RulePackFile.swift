import TOMLKit

/// The shape of a rule-pack file as TOML, decoded strictly (an unknown key is an error, so a
/// typo never silently disables part of a rule). Validation happens in `RulePack`.
struct RulePackFile: Decodable, Sendable {
    /// `extends = "default"`: this file is a deployment's layer over the built-in default pack.
    var extends: String?
    var scopes: ScopesFile?
    var rule: [RuleFile]?
    var override: [String: OverrideFile]?
}

struct ScopesFile: Decodable, Sendable {
    var greetings: [String]?
    var closings: [String]?
}

/// `kind` may be one string or a list of strings.
struct KindList: Decodable, Sendable {
    var names: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            self.names = [one]
        } else {
            self.names = try container.decode([String].self)
        }
    }
}

struct ContextFile: Decodable, Sendable {
    var category: String?
    var sentiment: String?
    var firstName: String?
    var askedHowAreYou: Bool?

    enum CodingKeys: String, CodingKey {
        case category, sentiment
        case firstName = "first_name"
        case askedHowAreYou = "asked_how_are_you"
    }
}

struct RuleFile: Decodable, Sendable {
    var id: String?
    var kind: KindList?
    var severity: String?
    var message: String?
    var principle: String?
    var scopes: [String]?
    var caseSensitive: Bool?
    var phrases: [String]?
    var patterns: [String]?
    var exceptions: [String]?
    var exceptionPatterns: [String]?
    var suggestion: String?
    var replace: [String: String]?
    var alternatives: [String]?
    var markers: [String]?
    var acronyms: [String]?
    var minLength: Int?
    var characters: String?
    var maxRun: Int?
    var teamWords: [String]?
    var when: ContextCondition?
    var enabled: Bool?
    var mustFire: [String]?
    var mustNotFire: [String]?
    var exampleContext: ContextFile?

    enum CodingKeys: String, CodingKey {
        case id, kind, severity, message, principle, scopes, phrases, patterns, exceptions, suggestion
        case replace, alternatives, markers, acronyms, characters, when, enabled
        case caseSensitive = "case_sensitive"
        case exceptionPatterns = "exception_patterns"
        case minLength = "min_length"
        case maxRun = "max_run"
        case teamWords = "team_words"
        case mustFire = "must_fire"
        case mustNotFire = "must_not_fire"
        case exampleContext = "example_context"
    }
}

/// A deployment's change to an existing rule: `[override.RULE-ID]`.
struct OverrideFile: Decodable, Sendable {
    var enabled: Bool?
    var severity: String?
    var message: String?
    var suggestion: String?
    var addPhrases: [String]?
    var addExceptions: [String]?
    var addReplace: [String: String]?
    var addAlternatives: [String]?
    var addAcronyms: [String]?
    var addMarkers: [String]?
    var addTeamWords: [String]?

    enum CodingKeys: String, CodingKey {
        case enabled, severity, message, suggestion
        case addPhrases = "add_phrases"
        case addExceptions = "add_exceptions"
        case addReplace = "add_replace"
        case addAlternatives = "add_alternatives"
        case addAcronyms = "add_acronyms"
        case addMarkers = "add_markers"
        case addTeamWords = "add_team_words"
    }
}

/// Finds the lines of a rule-pack file that errors should point at. TOMLKit reports lines only
/// for syntax errors, so the rest are found by reading the text.
struct SourceLines: Sendable {
    let lines: [Substring]

    init(_ text: String) {
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    private func trimmed(_ index: Int) -> Substring {
        self.lines[index].drop(while: { $0 == " " || $0 == "\t" })
    }

    /// The line of the `n`th (0-based) `[[rule]]` header.
    func ruleHeader(_ n: Int) -> Int? {
        var seen = 0
        for index in self.lines.indices where self.trimmed(index).hasPrefix("[[rule]]") {
            if seen == n { return index + 1 }
            seen += 1
        }
        return nil
    }

    /// The line of the `[override.ID]` header.
    func overrideHeader(_ id: String) -> Int? {
        for index in self.lines.indices {
            let text = self.trimmed(index)
            if text.hasPrefix("[override.\(id)]") || text.hasPrefix("[override.\"\(id)\"]") { return index + 1 }
        }
        return nil
    }

    /// The first line at or after `start` (1-based) that assigns `key`, else `start`.
    func key(_ key: String, from start: Int?) -> Int? {
        let first = max((start ?? 1) - 1, 0)
        guard first < self.lines.count else { return start }
        for index in first..<self.lines.count {
            let text = self.trimmed(index)
            if index > first, text.hasPrefix("[") { break }
            guard text.hasPrefix(key) else { continue }
            let rest = text.dropFirst(key.count).drop(while: { $0 == " " || $0 == "\t" })
            if rest.hasPrefix("=") { return index + 1 }
        }
        return start
    }

    /// The first line that assigns `key` anywhere in the file.
    func anyKey(_ key: String) -> Int? {
        for index in self.lines.indices {
            let text = self.trimmed(index)
            guard text.hasPrefix(key) else { continue }
            let rest = text.dropFirst(key.count).drop(while: { $0 == " " || $0 == "\t" })
            if rest.hasPrefix("=") { return index + 1 }
        }
        return nil
    }
}

/// One thing the linter found in a draft.
///
/// `line` and `column` are 1-based and count lines and characters of the draft exactly as the
/// user sees it (ignore lines and quoted text included), so an editor can jump to them.
public struct Finding: Sendable, Equatable, Hashable, Codable {
    /// The rule's public id, e.g. `no-problem`.
    public var rule: String
    public var severity: Severity
    public var line: Int
    public var column: Int
    /// The text of the draft that the rule matched (empty when the rule is about something
    /// missing and nothing in the draft can be pointed at).
    public var match: String
    /// Why this matters, in plain words, naming the principle behind the rule.
    public var message: String
    /// A replacement or what to write instead, when the rule has one.
    public var suggestion: String?

    public init(
        rule: String, severity: Severity, line: Int, column: Int, match: String, message: String,
        suggestion: String? = nil
    ) {
        self.rule = rule
        self.severity = severity
        self.line = line
        self.column = column
        self.match = match
        self.message = message
        self.suggestion = suggestion
    }

    // Encode `suggestion` as an explicit null: the JSON output promises exactly seven keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.rule, forKey: .rule)
        try container.encode(self.severity, forKey: .severity)
        try container.encode(self.line, forKey: .line)
        try container.encode(self.column, forKey: .column)
        try container.encode(self.match, forKey: .match)
        try container.encode(self.message, forKey: .message)
        try container.encode(self.suggestion, forKey: .suggestion)
    }
}

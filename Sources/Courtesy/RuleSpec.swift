/// The kinds of check a rule can make. A rule names one kind, or several (`shouting` is both
/// `capitals` and `repetition`); each kind reads its own keys of the rule.
public enum RuleKind: String, Sendable, CaseIterable, Codable {
    /// Phrases or patterns that must not appear (`phrases`, `patterns`, `suggestion`).
    case existence
    /// Phrase → suggested replacement (`replace`).
    case substitution
    /// At least one of `phrases` must appear in the rule's scopes.
    case required
    /// Like `required`, but only when the incoming mail matches `when`; silent without context.
    case context
    /// Words written in capitals, except `acronyms` (`min_length` letters or more).
    case capitals
    /// A run of more than `max_run` of any of `characters`, such as "!!".
    case repetition
    /// Template placeholders that survived rendering (`patterns`, case-sensitive `markers`).
    case placeholder
    /// A refusal (`phrases`) in a draft that offers none of `alternatives`.
    case refusal
    /// A sign-off whose name line is only a team (`team_words`), or that has no name at all.
    case signoffName = "signoff-name"
}

/// The parts of a draft a rule can look at. Quoted text is not a scope: it is never linted.
public enum DraftScope: String, Sendable, CaseIterable, Codable {
    case greeting
    case body
    case signOff = "sign-off"
    case signature
}

/// A rule as written in a rule pack: plain data, validated by `RulePack`, compiled by `Linter`.
public struct RuleSpec: Sendable, Equatable {
    /// The rule's public, never-changing name (`no-problem`).
    public var id: String
    /// The checks the rule makes; each reads its own keys below.
    public var kinds: [RuleKind]
    /// How much a finding matters.
    public var severity: Severity
    /// Why a finding is a problem, in plain words.
    public var message: String
    /// The customer-service principle (and seed) behind the rule, named in every finding.
    public var principle: String
    /// The parts of the draft the rule looks at; the first present one anchors "missing" findings.
    public var scopes: [DraftScope]
    /// Whether `phrases` and `patterns` match case-sensitively (markers always do).
    public var caseSensitive: Bool
    /// Word sequences; a position `a|b` accepts either word; `{first_name}` is the customer's name.
    public var phrases: [String]
    /// ICU regular expressions, matched line by line.
    public var patterns: [String]
    /// Phrases in which a match is not a finding ("I just checked").
    public var exceptions: [String]
    /// Regular expressions in which a match is not a finding.
    public var exceptionPatterns: [String]
    /// What to write instead, shown with every finding of the rule.
    public var suggestion: String?
    /// Substitution pairs, phrase → replacement, in file order.
    public var replace: [(phrase: String, replacement: String)]
    /// For `refusal`: phrases that offer an alternative and so silence the rule.
    public var alternatives: [String]
    /// For `placeholder`: words that mark unfinished text, matched in capitals only (`TODO`).
    public var markers: [String]
    /// For `capitals`: words in capitals that are not shouting (`API`).
    public var acronyms: [String]
    /// For `capitals`: the fewest letters a word in capitals needs to count.
    public var minLength: Int
    /// For `repetition`: the characters whose runs are checked.
    public var characters: String
    /// For `repetition`: the longest run allowed.
    public var maxRun: Int
    /// For `signoff-name`: words that make a sign-off name a team's rather than a person's.
    public var teamWords: [String]
    /// For `context`: when the rule applies.
    public var when: ContextCondition?
    /// `false` when a deployment switched the rule off.
    public var enabled: Bool
    /// Drafts on which this rule must fire (at least one finding of this rule).
    public var mustFire: [String]
    /// Drafts on which this rule must stay silent.
    public var mustNotFire: [String]
    /// The context the examples are linted with.
    public var exampleContext: LintContext
    /// The 1-based line of the rule's header in its file, for messages.
    public var line: Int?
    /// The file the rule came from.
    public var file: String

    public static func == (lhs: RuleSpec, rhs: RuleSpec) -> Bool {
        lhs.id == rhs.id && lhs.kinds == rhs.kinds && lhs.severity == rhs.severity
            && lhs.message == rhs.message && lhs.phrases == rhs.phrases && lhs.patterns == rhs.patterns
            && lhs.exceptions == rhs.exceptions && lhs.enabled == rhs.enabled
            && lhs.replace.map(\.phrase) == rhs.replace.map(\.phrase)
            && lhs.replace.map(\.replacement) == rhs.replace.map(\.replacement)
    }
}

/// When a `context` rule applies. It applies when any listed condition holds; a condition on a
/// context field that is unknown (`nil`) never holds, so the rule stays silent.
public struct ContextCondition: Sendable, Equatable, Codable {
    public var category: [String]?
    public var sentiment: [String]?
    public var askedHowAreYou: Bool?
    public var firstNameKnown: Bool?

    enum CodingKeys: String, CodingKey {
        case category, sentiment
        case askedHowAreYou = "asked_how_are_you"
        case firstNameKnown = "first_name_known"
    }

    /// Whether the rule applies for `context`.
    public func holds(for context: LintContext) -> Bool {
        if let categories = self.category, let category = context.category,
            categories.contains(where: { $0.caseInsensitiveCompare(category) }) {
            return true
        }
        if let sentiments = self.sentiment, let sentiment = context.sentiment,
            sentiments.contains(where: { $0.caseInsensitiveCompare(sentiment) }) {
            return true
        }
        if let wanted = self.askedHowAreYou, let asked = context.askedHowAreYou, wanted == asked, asked {
            return true
        }
        if self.firstNameKnown == true, let name = context.firstName,
            !name.allSatisfy(\.isWhitespace) {
            return true
        }
        return false
    }
}

extension String {
    fileprivate func caseInsensitiveCompare(_ other: String) -> Bool {
        self.lowercased() == other.lowercased()
    }
}

import Foundation

/// Checks drafts against a rule pack. Build one per pack (the rules are compiled once) and
/// share it: linting is pure and thread-safe.
///
/// ```swift
/// let linter = Linter(pack: try RulePack.standard())
/// for finding in linter.lint(draft, context: LintContext(category: "complaint", firstName: "Jane")) {
///     print(finding.line, finding.column, finding.rule, finding.message)
/// }
/// ```
public struct Linter: Sendable {
    /// The pack the linter was built from.
    public let pack: RulePack
    let rules: [CompiledRule]
    let index: PhraseIndex
    /// The pack's greetings and closings in the forms the layout looks them up in.
    let layoutWords: LayoutWords

    /// Compiles `pack` (phrases into one word trie, patterns into regular expressions).
    public init(pack: RulePack) {
        self.pack = pack
        var index = PhraseIndex()
        var rules: [CompiledRule] = []
        for (number, spec) in pack.rules.enumerated() {
            rules.append(CompiledRule(spec))
            guard spec.enabled else { continue }
            let exact = spec.caseSensitive
            for (position, phrase) in spec.phrases.enumerated() where !phrase.contains("{first_name}") {
                index.add(phrase, rule: number, role: .match, index: position, caseSensitive: exact)
            }
            if spec.kinds.contains(.substitution) {
                for (position, pair) in spec.replace.enumerated() {
                    index.add(pair.phrase, rule: number, role: .match, index: position, caseSensitive: exact)
                }
            }
            for (position, marker) in spec.markers.enumerated() {
                // Markers are capitals by convention ("TODO"), so "todo" in prose is not one.
                index.add(marker, rule: number, role: .match, index: position, caseSensitive: true)
            }
            for (position, phrase) in spec.exceptions.enumerated() {
                index.add(phrase, rule: number, role: .exception, index: position, caseSensitive: false)
            }
            for (position, phrase) in spec.alternatives.enumerated() {
                index.add(phrase, rule: number, role: .alternative, index: position, caseSensitive: false)
            }
        }
        index.seal()
        self.rules = rules
        self.index = index
        self.layoutWords = LayoutWords(greetings: pack.greetings, closings: pack.closings)
    }

    /// The findings for `draft`, sorted by line, column and rule id.
    /// - Parameters:
    ///   - draft: the reply as the reviewer sees it (quoted history and ignore lines included).
    ///   - context: what is known about the incoming mail; rules that need an unknown field
    ///     stay silent.
    public func lint(_ draft: String, context: LintContext = LintContext()) -> [Finding] {
        var text = draft
        return text.withUTF8 { bytes in
            var run = LintRun(linter: self, bytes: bytes, context: context)
            return run.findings()
        }
    }
}

/// A rule with its patterns compiled and its word lists ready for lookups. A class, so the
/// per-draft loops share it instead of copying its many fields.
final class CompiledRule: Sendable {
    let spec: RuleSpec
    let scopes: Set<DraftScope>
    let patterns: [CompiledPattern]
    let exceptionPatterns: [CompiledPattern]
    let acronyms: Set<String>
    /// For each byte, whether it is one of the `repetition` characters.
    let characterTable: [Bool]
    /// Phrases naming the customer, split around `{first_name}`.
    let namePhrases: [(before: String, after: String)]
    let suggestionNamesCustomer: Bool
    let teamWords: Set<String>
    let message: String

    init(_ spec: RuleSpec) {
        self.spec = spec
        self.scopes = Set(spec.scopes)
        let options: NSRegularExpression.Options = spec.caseSensitive ? [] : [.caseInsensitive]
        self.patterns = spec.patterns.compactMap { CompiledPattern($0, options: options) }
        self.exceptionPatterns = spec.exceptionPatterns.compactMap { CompiledPattern($0, options: options) }
        self.acronyms = Set(spec.acronyms)
        var table = [Bool](repeating: false, count: 256)
        for byte in spec.characters.utf8 { table[Int(byte)] = true }
        self.characterTable = table
        self.suggestionNamesCustomer = spec.suggestion?.range(of: "{first_name}") != nil
        self.namePhrases = spec.phrases.compactMap { phrase in
            guard let range = phrase.range(of: "{first_name}") else { return nil }
            return (String(phrase[..<range.lowerBound]), String(phrase[range.upperBound...]))
        }
        self.teamWords = Set(spec.teamWords.flatMap { Tokenizer.words($0) })
        self.message = "\(spec.message) (\(spec.principle))"
    }
}

/// A regular expression from a rule pack, with a byte every match must contain when the
/// pattern starts with a literal, so lines without it are skipped without running the regex.
final class CompiledPattern: @unchecked Sendable {
    // @unchecked: immutable after init, and NSRegularExpression is documented as safe to use
    // from several threads at once.
    let regex: NSRegularExpression
    let requiredByte: UInt8?

    init?(_ pattern: String, options: NSRegularExpression.Options) {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: options) else { return nil }
        self.regex = regex
        var scalars = pattern.unicodeScalars.makeIterator()
        let first = scalars.next()
        var literal: Unicode.Scalar?
        if first == "\\", let escaped = scalars.next(), escaped.isASCII,
            !escaped.properties.isAlphabetic, !("0"..."9").contains(escaped) {
            literal = escaped
        } else if let first, first.isASCII, !".[](){}*+?^$|\\".unicodeScalars.contains(first),
            !first.properties.isAlphabetic, !("0"..."9").contains(first) {
            literal = first
        }
        if let quantifier = scalars.next(), literal != nil, "*?{".unicodeScalars.contains(quantifier) {
            literal = nil  // `<?` or `x*` may match without the character
        }
        self.requiredByte = literal.map { UInt8($0.value) }
    }
}

extension Linter {
    /// Every rule's own examples that do not behave: a `must_fire` draft on which the rule is
    /// silent, or a `must_not_fire` draft on which it fires. Empty when the pack is sound; a
    /// deployment can run this after layering its own rules.
    public func exampleFailures() -> [String] {
        var failures: [String] = []
        for rule in self.pack.rules where rule.enabled {
            for example in rule.mustFire
            where !self.lint(example, context: rule.exampleContext).contains(where: { $0.rule == rule.id }) {
                failures.append("\(rule.file):\(rule.line ?? 0): rule `\(rule.id)` does not fire on: \(example)")
            }
            for example in rule.mustNotFire
            where self.lint(example, context: rule.exampleContext).contains(where: { $0.rule == rule.id }) {
                failures.append("\(rule.file):\(rule.line ?? 0): rule `\(rule.id)` fires on: \(example)")
            }
        }
        return failures
    }
}

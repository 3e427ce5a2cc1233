import Foundation
import Synchronization
import TOMLKit

/// A validated set of rules, read from one rule-pack file and any number of deployment files
/// layered over it. Plain data: `Linter` compiles it once.
///
/// ```swift
/// let pack = try RulePack(contentsOfFile: "config/courtesy.toml")
///     .layered(withContentsOfFile: "/etc/tact/courtesy.local.toml")
/// let findings = Linter(pack: pack).lint(draft, context: LintContext(firstName: "Jane"))
/// ```
public struct RulePack: Sendable {
    /// Every rule, in file order, including switched-off ones (`enabled == false`).
    public private(set) var rules: [RuleSpec]
    /// Words that open a greeting line ("hi", "dear", …).
    public private(set) var greetings: [String]
    /// Closing phrases that start the sign-off ("best regards", …).
    public private(set) var closings: [String]
    /// The files this pack was read from, base first.
    public private(set) var files: [String]

    /// Reads a rule pack from TOML text. A file with `extends = "default"` is a deployment's
    /// layer: the result is the default pack with the file layered over it.
    /// - Parameters:
    ///   - text: the TOML document.
    ///   - file: the name used in error messages.
    /// - Throws: `RulePackError` naming the file, line and fix.
    public init(text: String, file: String) throws(RulePackError) {
        try self.init(text: text, file: file, documents: .shared)
    }

    /// `init(text:file:)` keeping decoded documents in `documents` (tests use their own).
    init(text: String, file: String, documents: DecodedTexts) throws(RulePackError) {
        let (document, source) = try Self.decode(text, file: file, documents: documents)
        if let base = document.extends {
            guard base == "default" else {
                throw RulePackError(
                    file: file, line: source.anyKey("extends"), problem: "unknown base pack `\(base)`",
                    fix: "write extends = \"default\" to layer this file over the default pack, or remove it")
            }
            self = try Self.standard().layered(withText: text, file: file)
            return
        }
        if let overrides = document.override, let id = overrides.keys.sorted().first {
            throw RulePackError(
                file: file, line: source.overrideHeader(id),
                problem: "[override.\(id)] in a base rule pack: there is no earlier pack to override",
                fix: "edit the rule itself here, or move the override to a deployment file layered over this pack")
        }
        self.rules = []
        self.greetings = document.scopes?.greetings ?? []
        self.closings = document.scopes?.closings ?? []
        self.files = [file]
        try self.append(document.rule ?? [], source: source, file: file)
    }

    /// Reads a rule pack from a file.
    public init(contentsOfFile path: String) throws(RulePackError) {
        try self.init(text: try Self.read(path), file: path)
    }

    /// This pack with a deployment's file layered over it: `[override.ID]` tables switch rules
    /// off, change their severity or message, or add phrases; `[[rule]]` tables add new rules;
    /// `[scopes]` lists add greeting words and closings.
    public func layered(withText text: String, file: String) throws(RulePackError) -> RulePack {
        let (document, source) = try Self.decode(text, file: file)
        var pack = self
        pack.files.append(file)
        pack.greetings += document.scopes?.greetings ?? []
        pack.closings += document.scopes?.closings ?? []
        for (id, change) in (document.override ?? [:]).sorted(by: { $0.key < $1.key }) {
            try pack.apply(change, to: id, source: source, file: file)
        }
        try pack.append(document.rule ?? [], source: source, file: file)
        return pack
    }

    /// This pack with the deployment file at `path` layered over it.
    public func layered(withContentsOfFile path: String) throws(RulePackError) -> RulePack {
        try self.layered(withText: try Self.read(path), file: path)
    }

    /// The rule with `id`, if the pack has one.
    public func rule(_ id: String) -> RuleSpec? { self.rules.first { $0.id == id } }

    // MARK: - Reading

    private static func read(_ path: String) throws(RulePackError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RulePackError(
                file: path, line: nil, problem: "cannot read the rule pack (missing or unreadable)",
                fix: "check the path, or leave out --rules to use the default pack")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RulePackError(
                file: path, line: nil, problem: "the rule pack is not UTF-8 text", fix: "save it as UTF-8")
        }
        return text
    }

    /// TOMLKit never frees what toml++ builds for a parsed document (LebJe/TOMLKit#26): about
    /// 210 KB for the shipped pack, each time it is read. The service reads its rule pack again at
    /// every reload (SIGHUP), nearly always the same text, so the documents of the last few texts
    /// are kept (`DecodedTexts`): a text is parsed once per process, a changed file once more.
    /// Validation, which names the file, still runs on every read.
    private static func decode(
        _ text: String, file: String, documents: DecodedTexts = .shared
    ) throws(RulePackError) -> (RulePackFile, SourceLines) {
        if let known = documents.document(for: text) { return known }
        let decoded = try Self.parse(text, file: file)
        documents.keep(decoded, for: text)
        return decoded
    }

    private static func parse(_ text: String, file: String) throws(RulePackError) -> (RulePackFile, SourceLines) {
        let source = SourceLines(text)
        if let found = TOMLPreflight.problem(in: text) {
            throw RulePackError(
                file: file, line: found.line, problem: "TOML syntax error at column \(found.column): \(found.problem)",
                fix: found.kind == .tableHeader
                    ? "write [override.RULE-ID] or [[rule]]: a name of letters, digits, '-' or '_', or a quoted name"
                    : "write the list as [\"one\", \"two\"]: values separated by commas, closed by ']'")
        }
        do {
            let document = try TOMLDecoder(strictDecoding: true).decode(RulePackFile.self, from: text)
            return (document, source)
        } catch let error as TOMLParseError {
            throw RulePackError(
                file: file, line: error.source.begin.line,
                problem: "TOML syntax error at column \(error.source.begin.column): \(error.description)",
                fix: "correct the TOML syntax on that line (strings in quotes, lists in [ ], one key per line)")
        } catch let error as UnexpectedKeysError {
            let key = error.keys.keys.sorted().first ?? "?"
            let path = error.keys[key].map { Self.describe($0) } ?? ""
            throw RulePackError(
                file: file, line: source.anyKey(key) ?? Self.line(of: error.keys[key] ?? [], in: source),
                problem: "unknown key `\(key)`\(path.isEmpty ? "" : " in \(path)")",
                fix: "check the spelling against docs/COURTESY.md, or remove the key")
        } catch let error as DecodingError {
            let (path, detail): ([any CodingKey], String)
            switch error {
            case .typeMismatch(let type, let context):
                (path, detail) = (context.codingPath, "expected \(Self.tomlName(type))")
            case .valueNotFound(let type, let context):
                (path, detail) = (context.codingPath, "expected \(Self.tomlName(type))")
            case .keyNotFound(let key, let context):
                (path, detail) = (context.codingPath + [key], "missing")
            case .dataCorrupted(let context):
                (path, detail) = (context.codingPath, context.debugDescription)
            @unknown default:
                (path, detail) = ([], "\(error)")
            }
            throw RulePackError(
                file: file, line: Self.line(of: path, in: source),
                problem: "wrong value for `\(Self.describe(path))`: \(detail)",
                fix: "give the value the type docs/COURTESY.md shows (text in quotes, lists in [ ], true/false)")
        } catch {
            throw RulePackError(
                file: file, line: nil, problem: "cannot read the rule pack: \(error)",
                fix: "check that the file is a TOML rule pack")
        }
    }

    private static func tomlName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text in quotes"
        case is Bool.Type: "true or false"
        case is Int.Type: "a whole number"
        case is [String].Type: "a list of texts"
        default: "\(type)"
        }
    }

    private static func describe(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func line(of path: [any CodingKey], in source: SourceLines) -> Int? {
        guard let first = path.first else { return nil }
        if first.stringValue == "rule", path.count > 1, let index = path[1].intValue {
            let header = source.ruleHeader(index)
            if path.count > 2 { return source.key(path[2].stringValue, from: header) }
            return header
        }
        if first.stringValue == "override", path.count > 1 {
            let header = source.overrideHeader(path[1].stringValue)
            if path.count > 2 { return source.key(path[2].stringValue, from: header) }
            return header
        }
        return source.anyKey(path.last?.stringValue ?? first.stringValue)
    }

    // MARK: - Validation

    private mutating func append(_ files: [RuleFile], source: SourceLines, file: String) throws(RulePackError) {
        for (index, raw) in files.enumerated() {
            let header = source.ruleHeader(index)
            let rule = try Self.validate(raw, header: header, source: source, file: file)
            if let existing = self.rules.first(where: { $0.id == rule.id }) {
                let place = existing.file == file
                    ? "line \(existing.line.map(String.init) ?? "?")" : "\(existing.file):\(existing.line ?? 0)"
                throw RulePackError(
                    file: file, line: source.key("id", from: header),
                    problem: "duplicate rule id `\(rule.id)` (already defined at \(place))",
                    fix: "give the new rule its own id, or change the existing one with [override.\(rule.id)]")
            }
            self.rules.append(rule)
        }
    }

    private mutating func apply(
        _ change: OverrideFile, to id: String, source: SourceLines, file: String
    ) throws(RulePackError) {
        let header = source.overrideHeader(id)
        guard let index = self.rules.firstIndex(where: { $0.id == id }) else {
            throw RulePackError(
                file: file, line: header, problem: "[override.\(id)] names no rule of the pack it is layered over",
                fix: "use one of the ids listed in docs/COURTESY.md, or add a new rule with [[rule]]")
        }
        var rule = self.rules[index]
        if let enabled = change.enabled { rule.enabled = enabled }
        if let name = change.severity {
            rule.severity = try Self.severity(name, line: source.key("severity", from: header), file: file)
        }
        if let message = change.message { rule.message = message }
        if let suggestion = change.suggestion { rule.suggestion = suggestion }
        rule.phrases += change.addPhrases ?? []
        rule.exceptions += change.addExceptions ?? []
        rule.replace += (change.addReplace ?? [:]).sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) }
        rule.alternatives += change.addAlternatives ?? []
        rule.acronyms += change.addAcronyms ?? []
        rule.markers += change.addMarkers ?? []
        rule.teamWords += change.addTeamWords ?? []
        try Self.checkPhrases(rule, line: header, file: file)
        self.rules[index] = rule
    }

    private static func severity(_ name: String, line: Int?, file: String) throws(RulePackError) -> Severity {
        guard let severity = Severity(rawValue: name) else {
            throw RulePackError(
                file: file, line: line, problem: "unknown severity `\(name)`",
                fix: "use one of error, warning, suggestion")
        }
        return severity
    }

    private static func validate(
        _ raw: RuleFile, header: Int?, source: SourceLines, file: String
    ) throws(RulePackError) -> RuleSpec {
        func fail(_ key: String, _ problem: String, _ fix: String) -> RulePackError {
            RulePackError(file: file, line: source.key(key, from: header), problem: problem, fix: fix)
        }
        guard let id = raw.id, !id.isEmpty else {
            throw fail("id", "a rule has no `id`", "add `id = \"some-rule\"` (lowercase words joined by -)")
        }
        guard id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else {
            throw fail("id", "rule id `\(id)` has characters other than a-z, 0-9 and -", "rename it, e.g. `my-rule`")
        }
        let kindNames = raw.kind?.names ?? []
        guard !kindNames.isEmpty else {
            throw fail("kind", "rule `\(id)` has no `kind`", "add `kind = \"existence\"` or another kind")
        }
        var kinds: [RuleKind] = []
        for name in kindNames {
            guard let kind = RuleKind(rawValue: name) else {
                throw fail(
                    "kind", "unknown rule kind `\(name)` in rule `\(id)`",
                    "use one of \(RuleKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.append(kind)
        }
        guard let severityName = raw.severity else {
            throw fail("severity", "rule `\(id)` has no `severity`", "add `severity = \"warning\"`")
        }
        let severity = try Self.severity(severityName, line: source.key("severity", from: header), file: file)
        guard let message = raw.message, !message.isEmpty else {
            throw fail("message", "rule `\(id)` has no `message`", "say in plain words why the text is a problem")
        }
        guard let principle = raw.principle, !principle.isEmpty else {
            throw fail("principle", "rule `\(id)` has no `principle`", "name the principle (and seed) behind it")
        }
        var scopes: [DraftScope] = []
        for name in raw.scopes ?? ["greeting", "body", "sign-off"] {
            guard let scope = DraftScope(rawValue: name) else {
                throw fail(
                    "scopes", "unknown scope `\(name)` in rule `\(id)`",
                    "use greeting, body, sign-off or signature (quoted text is never linted)")
            }
            scopes.append(scope)
        }
        for pattern in (raw.patterns ?? []) + (raw.exceptionPatterns ?? []) {
            do {
                _ = try NSRegularExpression(pattern: pattern)
            } catch {
                let key = (raw.patterns ?? []).contains(pattern) ? "patterns" : "exception_patterns"
                throw fail(
                    key, "bad pattern `\(pattern)` in rule `\(id)`: not a valid regular expression",
                    "correct the ICU regular expression; in TOML write it as a 'literal string' so \\ stays \\")
            }
        }
        let context = raw.exampleContext
        let rule = RuleSpec(
            id: id, kinds: kinds, severity: severity, message: message, principle: principle, scopes: scopes,
            caseSensitive: raw.caseSensitive ?? false, phrases: raw.phrases ?? [], patterns: raw.patterns ?? [],
            exceptions: raw.exceptions ?? [], exceptionPatterns: raw.exceptionPatterns ?? [],
            suggestion: raw.suggestion,
            replace: (raw.replace ?? [:]).sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) },
            alternatives: raw.alternatives ?? [], markers: raw.markers ?? [], acronyms: raw.acronyms ?? [],
            minLength: raw.minLength ?? 2, characters: raw.characters ?? "", maxRun: raw.maxRun ?? 1,
            teamWords: raw.teamWords ?? [], when: raw.when, enabled: raw.enabled ?? true,
            mustFire: raw.mustFire ?? [], mustNotFire: raw.mustNotFire ?? [],
            exampleContext: LintContext(
                category: context?.category, sentiment: context?.sentiment, firstName: context?.firstName,
                askedHowAreYou: context?.askedHowAreYou),
            line: header, file: file)
        for kind in kinds {
            let missing: String? =
                switch kind {
                case .existence: rule.phrases.isEmpty && rule.patterns.isEmpty ? "phrases or patterns" : nil
                case .substitution: rule.replace.isEmpty ? "replace" : nil
                case .required: rule.phrases.isEmpty ? "phrases" : nil
                case .context: rule.phrases.isEmpty ? "phrases" : (rule.when == nil ? "when" : nil)
                case .capitals: nil
                case .repetition: rule.characters.isEmpty ? "characters" : nil
                case .placeholder: rule.patterns.isEmpty && rule.markers.isEmpty ? "patterns or markers" : nil
                case .refusal: rule.phrases.isEmpty ? "phrases" : (rule.alternatives.isEmpty ? "alternatives" : nil)
                case .signoffName: rule.teamWords.isEmpty ? "team_words" : nil
                }
            if let missing {
                throw fail("kind", "rule `\(id)` of kind \(kind.rawValue) has no \(missing)", "add \(missing)")
            }
        }
        if rule.maxRun < 1 || rule.minLength < 1 {
            throw fail("max_run", "rule `\(id)`: max_run and min_length must be 1 or more", "use a number ≥ 1")
        }
        try Self.checkPhrases(rule, line: header, file: file)
        return rule
    }

    /// Every phrase must contain at least one word, or it could never match.
    private static func checkPhrases(_ rule: RuleSpec, line: Int?, file: String) throws(RulePackError) {
        let all = rule.phrases + rule.exceptions + rule.alternatives + rule.markers + rule.replace.map(\.phrase)
        for phrase in all where PhrasePattern(phrase).positions.isEmpty {
            throw RulePackError(
                file: file, line: line, problem: "rule `\(rule.id)` has a phrase with no words: `\(phrase)`",
                fix: "write phrases as words (letters or digits), or use `patterns` for punctuation")
        }
    }
}

/// The decoded documents of the last texts read, newest first (see `RulePack.decode`). Only
/// documents that decoded are kept; a text with errors is parsed again each time it is read.
final class DecodedTexts: Sendable {
    static let shared = DecodedTexts()
    /// A base pack, a deployment layer and the built-in default: what one configuration reads.
    static let capacity = 3

    private struct Entry {
        let text: String
        let document: RulePackFile
        let source: SourceLines
        /// How many times this text was parsed while it was kept: 1 unless the look-up failed.
        var parses: Int
    }
    private let entries = Mutex<[Entry]>([])

    func document(for text: String) -> (RulePackFile, SourceLines)? {
        self.entries.withLock { entries in
            guard let index = entries.firstIndex(where: { Self.same($0.text, text) }) else { return nil }
            let entry = entries.remove(at: index)
            entries.insert(entry, at: 0)
            return (entry.document, entry.source)
        }
    }

    func keep(_ decoded: (RulePackFile, SourceLines), for text: String) {
        self.entries.withLock { entries in
            let earlier = entries.firstIndex { Self.same($0.text, text) }.map { entries.remove(at: $0).parses } ?? 0
            entries.insert(Entry(text: text, document: decoded.0, source: decoded.1, parses: earlier + 1), at: 0)
            if entries.count > Self.capacity { entries.removeLast(entries.count - Self.capacity) }
        }
    }

    /// How many times `text` was parsed since it was last kept; 0 when it is not kept.
    func timesParsed(_ text: String) -> Int {
        self.entries.withLock { entries in entries.first { Self.same($0.text, text) }?.parses ?? 0 }
    }

    /// Byte for byte: `==` on Strings ignores Unicode normalisation, and a phrase spelled in
    /// another normal form is another phrase to the linter.
    private static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
}

import Foundation
import MailParsing
import Mustache

/// A problem in a template, with the file and line where it is and what to do.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(self.file):\(self.line): \(self.message)" }
}

/// One reply template: a header block (`Subject: …`), a blank line, then the body. Both parts
/// are Mustache, rendered as plain text: nothing is HTML-escaped, so O'Brien stays O'Brien.
///
/// Partials and parents (`{{> name}}`, `{{< name}}`) are refused: the Mustache library would read
/// a partial it cannot find from the file system by name, and would render it with HTML escaping.
/// Custom delimiters are refused too, so that every tag stays visible to the checker.
public struct ReplyTemplate: Sendable {
    public let name: String
    public let file: String
    let subject: MustacheTemplate
    let body: MustacheTemplate
    /// The same two parts for the direct renderer, when it handles everything they use.
    let compiled: (subject: CompiledTemplate, body: CompiledTemplate)?
    /// Every variable name the template uses, with the line it is first used on.
    public let variables: [String: Int]

    /// Parses and checks template text. - Throws: `TemplateError` naming `file` and the line.
    public init(name: String, file: String, text: String) throws(TemplateError) {
        self.name = name
        self.file = file
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        // Header block: `Name: value` lines up to the first blank line. Only Subject is known.
        var subjectSource: String?
        var index = 0
        while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
            let line = lines[index]
            if line.hasPrefix("{{!") { index += 1; continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw TemplateError(
                    file: file, line: index + 1,
                    message: "expected a header like \"Subject: …\" before the first blank line; put a blank line between the headers and the body")
            }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard field.lowercased() == "subject" else {
                throw TemplateError(
                    file: file, line: index + 1,
                    message: "unknown template header \"\(field)\": only Subject can be set (the other headers are made by Tact)")
            }
            guard subjectSource == nil else {
                throw TemplateError(file: file, line: index + 1, message: "Subject is given twice: keep one")
            }
            subjectSource = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            index += 1
        }
        guard let subjectSource, index < lines.count else {
            throw TemplateError(
                file: file, line: 1,
                message: "a template starts with \"Subject: …\", then a blank line, then the body (e.g. \"Subject: {{reply_subject}}\")")
        }
        let bodyStart = index + 1
        let bodySource = lines[bodyStart...].joined(separator: "\n") + "\n"
        guard !bodySource.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw TemplateError(file: file, line: bodyStart + 1, message: "the body is empty: write the reply below the blank line")
        }
        var variables = try Self.scan(subjectSource, file: file, firstLine: 1)
        for (name, line) in try Self.scan(bodySource, file: file, firstLine: bodyStart + 1) where variables[name] == nil {
            variables[name] = line
        }
        self.variables = variables
        do {
            // The pragma makes this template plain text: no escaping of ' < > & in names or subjects.
            self.subject = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + subjectSource)
            self.body = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + bodySource)
        } catch {
            throw TemplateError(file: file, line: bodyStart + 1, message: "the template does not parse: \(error)")
        }
        if let subject = CompiledTemplate(self.subject), let body = CompiledTemplate(self.body) {
            self.compiled = (subject, body)
        } else {
            self.compiled = nil
        }
    }

    /// Renders subject and body for `context` (a dictionary from `DraftContext.values`).
    public func render(_ values: [String: Any]) -> (subject: String, body: String) {
        let subject = self.subject.render(values).trimmingScalars(ScalarClass.whitespaceOrNewline)
        return (subject, self.body.render(values))
    }

    /// Renders subject and body for a draft, computing only the values the template uses, with the
    /// direct renderer when it handles the template (`CompiledTemplate`): the same text as
    /// `render(context.values)`.
    public func render(_ context: DraftContext) -> (subject: String, body: String) {
        let values = TemplateValues(context)
        guard let compiled = self.compiled else {
            let subject = self.subject.render(values).trimmingScalars(ScalarClass.whitespaceOrNewline)
            return (subject, self.body.render(values))
        }
        let subject = compiled.subject.render(values).trimmingScalars(ScalarClass.whitespaceOrNewline)
        return (subject, compiled.body.render(values))
    }

    /// `render(_: DraftContext)` through swift-mustache alone (for tests comparing the two).
    func renderWithoutCompiling(_ context: DraftContext) -> (subject: String, body: String) {
        let values = TemplateValues(context)
        let subject = self.subject.render(values).trimmingScalars(ScalarClass.whitespaceOrNewline)
        return (subject, self.body.render(values))
    }

    // MARK: - Checking

    /// Walks the Mustache tags of `source`: refuses partials, parents, blocks, delimiter changes and
    /// unbalanced sections; checks every name against `TemplateVariable.known`, allowing a section's
    /// fields inside it; returns each root variable with the line it is first used on.
    static func scan(_ source: String, file: String, firstLine: Int) throws(TemplateError) -> [String: Int] {
        var used: [String: Int] = [:]
        var sections: [(name: String, kind: TemplateVariable.Kind?, line: Int)] = []
        let bytes = Array(source.utf8)
        var line = firstLine
        var index = 0
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { line += 1; index += 1; continue }
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            let tagLine = line
            let triple = index + 2 < bytes.count && bytes[index + 2] == UInt8(ascii: "{")
            let open = index + (triple ? 3 : 2)
            var close = open
            while close + 1 < bytes.count, !(bytes[close] == UInt8(ascii: "}") && bytes[close + 1] == UInt8(ascii: "}")) {
                if bytes[close] == UInt8(ascii: "\n") { line += 1 }
                close += 1
            }
            guard close + 1 < bytes.count else {
                throw TemplateError(file: file, line: tagLine, message: "a tag opened with {{ is never closed: add }}")
            }
            let inner = text(open..<close).trimmingCharacters(in: .whitespaces)
            index = close + 2 + (triple && close + 2 < bytes.count && bytes[close + 2] == UInt8(ascii: "}") ? 1 : 0)
            guard let sigil = inner.first else {
                throw TemplateError(file: file, line: tagLine, message: "an empty tag {{}}: write a variable name in it")
            }
            let rest = inner.dropFirst().trimmingCharacters(in: .whitespaces)
            switch sigil {
            case "!", "%":
                continue
            case ">", "<", "$":
                throw TemplateError(
                    file: file, line: tagLine,
                    message: "partials, parents and blocks ({{\(sigil) \(rest)}}) are not allowed in Tact templates: write the text into this template")
            case "=":
                throw TemplateError(
                    file: file, line: tagLine, message: "changing delimiters ({{=…=}}) is not allowed in Tact templates: keep {{ }}")
            case "#", "^":
                let kind = try Self.resolve(rest, sections: sections, file: file, line: tagLine)
                if used[Self.root(rest)] == nil, Self.isRootName(rest, sections: sections) { used[Self.root(rest)] = tagLine }
                sections.append((rest, kind, tagLine))
            case "/":
                guard let last = sections.popLast() else {
                    throw TemplateError(file: file, line: tagLine, message: "{{/\(rest)}} closes a section that was never opened")
                }
                guard last.name == rest else {
                    throw TemplateError(
                        file: file, line: tagLine,
                        message: "{{/\(rest)}} closes \"\(rest)\" but the open section is \"\(last.name)\" (line \(last.line)): close that first")
                }
            default:
                let name = sigil == "&" || sigil == "{" ? rest : inner
                if name == "." {
                    // The item of the nearest list; inside the customer's section `.` is the
                    // customer object, which is not text.
                    let nearest = sections.last { section in
                        if case .object = section.kind { return true }
                        return section.kind == .list
                    }
                    guard nearest?.kind == .list else {
                        throw TemplateError(file: file, line: tagLine, message: "{{.}} is only meaningful inside a list section such as {{#order_numbers}}")
                    }
                    continue
                }
                let kind = try Self.resolve(name, sections: sections, file: file, line: tagLine)
                try Self.requireText(name, kind: kind, file: file, line: tagLine)
                if used[Self.root(name)] == nil, Self.isRootName(name, sections: sections) { used[Self.root(name)] = tagLine }
            }
        }
        if let open = sections.last {
            throw TemplateError(file: file, line: open.line, message: "the section {{#\(open.name)}} is never closed: add {{/\(open.name)}}")
        }
        return used
    }

    private static func root(_ name: String) -> String {
        String(name.split(separator: ".").first ?? Substring(name))
    }

    private static func isRootName(_ name: String, sections: [(name: String, kind: TemplateVariable.Kind?, line: Int)]) -> Bool {
        TemplateVariable.known[root(name)] != nil
    }

    /// The kind of `name` in scope: a known root name, a dotted path into an object, or a field of
    /// an enclosing object section.
    private static func resolve(
        _ name: String, sections: [(name: String, kind: TemplateVariable.Kind?, line: Int)], file: String, line: Int
    ) throws(TemplateError) -> TemplateVariable.Kind? {
        let path = name.split(separator: ".").map(String.init)
        func walk(_ kind: TemplateVariable.Kind?, _ rest: ArraySlice<String>) -> TemplateVariable.Kind?? {
            var current = kind
            for part in rest {
                guard case .object(let fields)? = current, let next = fields[part] else { return .none }
                current = next
            }
            return .some(current)
        }
        if let first = path.first, let kind = TemplateVariable.known[first], case .some(let resolved) = walk(kind, path.dropFirst()) {
            return resolved
        }
        for section in sections.reversed() {
            if case .some(let resolved) = walk(section.kind, path[...]) { return resolved }
        }
        let suggestion = Self.closest(to: name)
        throw TemplateError(
            file: file, line: line,
            message: "unknown variable {{\(name)}}"
                + (suggestion.map { ": did you mean {{\($0)}}?" } ?? ": see templates/README.md for the variables"))
    }

    /// A variable tag writes text into the mail. A flag would print `true` or `false`, a list or
    /// the customer object Swift's description of it (in an order that changes from run to run),
    /// so each is refused with the way to write what was meant.
    private static func requireText(_ name: String, kind: TemplateVariable.Kind?, file: String, line: Int) throws(TemplateError) {
        switch kind {
        case .flag:
            throw TemplateError(
                file: file, line: line,
                message: "{{\(name)}} is a yes/no flag and would print \"true\" or \"false\": use it as a section, {{#\(name)}}…{{/\(name)}}")
        case .list:
            throw TemplateError(
                file: file, line: line,
                message: "{{\(name)}} is a list, not text: write each item with {{#\(name)}}{{.}} {{/\(name)}}")
        case .object(let fields):
            let example = fields.filter { $0.value == .text }.keys.sorted().first.map { "{{\(name).\($0)}}" } ?? "one of its fields"
            throw TemplateError(
                file: file, line: line,
                message: "{{\(name)}} is a group of fields, not text: write one of them, such as \(example)")
        case .text, nil:
            return
        }
    }

    /// The known name nearest to a typo, if one is within two edits.
    static func closest(to name: String) -> String? {
        var names = Array(TemplateVariable.known.keys)
        if case .object(let fields)? = TemplateVariable.known["customer"] { names += fields.keys.map { "customer.\($0)" } }
        let scored = names.map { ($0, Self.distance(Array(name), Array($0))) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }

    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = Array(repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                // An adjacent swap ("frist" for "first") counts as one edit.
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            previous = current
        }
        return previous[b.count]
    }
}

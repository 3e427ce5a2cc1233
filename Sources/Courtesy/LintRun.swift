import Foundation

/// One pass of a linter over one draft: the draft's layout and words, the phrase hits of all
/// rules, then each rule's verdict.
struct LintRun {
    struct Hit {
        var start: Int  // token indices, end exclusive
        var end: Int
        var payload: PhraseIndex.Payload
    }

    let linter: Linter
    let bytes: UnsafeBufferPointer<UInt8>
    let context: LintContext
    let layout: DraftLayout
    var tokens: [Token] = []
    /// Phrase hits, one list per rule (indexed like `linter.rules`).
    var hits: [[Hit]] = []
    var output: [Finding] = []

    init(linter: Linter, bytes: UnsafeBufferPointer<UInt8>, context: LintContext) {
        self.linter = linter
        self.bytes = bytes
        self.context = context
        self.layout = DraftLayout(bytes, words: linter.layoutWords)
    }

    mutating func findings() -> [Finding] {
        self.tokenize()
        self.walk()
        for (number, rule) in self.linter.rules.enumerated() {
            guard rule.spec.enabled, !self.layout.ignored.contains(rule.spec.id) else { continue }
            for kind in rule.spec.kinds {
                self.apply(kind, rule: rule, number: number)
            }
        }
        // A pattern and a phrase of one rule can find the same text; report it once.
        let sorted = self.output.sorted {
            ($0.line, $0.column, $0.rule, $0.match) < ($1.line, $1.column, $1.rule, $1.match)
        }
        var unique: [Finding] = []
        unique.reserveCapacity(sorted.count)
        for finding in sorted where unique.last != finding { unique.append(finding) }
        return unique
    }

    // MARK: - Words and phrase hits

    private mutating func tokenize() {
        let index = self.linter.index
        var tokens: [Token] = []
        tokens.reserveCapacity(self.bytes.count / 4)
        var lastScope: DraftScope?
        for (number, range) in self.layout.lines.enumerated() {
            guard case .scope(let scope) = self.layout.roles[number] else {
                tokens.append(Self.breakToken)
                continue
            }
            if scope != lastScope || range.isEmpty { tokens.append(Self.breakToken) }
            lastScope = scope
            let line = Int32(number)
            let scopeCode = Self.code(scope)
            Tokenizer.scanBytes(
                self.bytes, range,
                word: { start, end, normalised, ascii, capitals in
                    tokens.append(
                        Token(
                            id: index.id(of: normalised, ascii: ascii), line: line, start: Int32(start),
                            end: Int32(end), scope: scopeCode, isCapitals: capitals))
                },
                stop: { tokens.append(Self.breakToken) })
        }
        self.tokens = tokens
    }

    private static let breakToken = Token(
        id: Token.breakMark, line: 0, start: 0, end: 0, scope: 0, isCapitals: false)

    static func code(_ scope: DraftScope) -> UInt8 {
        switch scope {
        case .greeting: 0
        case .body: 1
        case .signOff: 2
        case .signature: 3
        }
    }

    static func scope(_ code: UInt8) -> DraftScope {
        [DraftScope.greeting, .body, .signOff, .signature][Int(code)]
    }

    private mutating func walk() {
        self.hits = Array(repeating: [], count: self.linter.rules.count)
        let index = self.linter.index
        let tokens = self.tokens
        for start in tokens.indices where tokens[start].id >= 0 {
            var node: Int32 = 0
            var position = start
            while position < tokens.count, tokens[position].id >= 0,
                let child = index.child(node, tokens[position].id)
            {
                node = child
                position += 1
                for payload in index.payloads[Int(node)] where self.exactMatch(payload, start, position) {
                    self.hits[Int(payload.rule)].append(Hit(start: start, end: position, payload: payload))
                }
            }
        }
    }

    private func exactMatch(_ payload: PhraseIndex.Payload, _ start: Int, _ end: Int) -> Bool {
        guard payload.exact >= 0 else { return true }
        let forms = self.linter.index.exactForms[Int(payload.exact)]
        for (offset, options) in forms.enumerated() {
            let token = self.tokens[start + offset]
            let text = Tokenizer.words(self.text(Int(token.start), Int(token.end)), keepCase: true).first ?? ""
            if !options.contains(text) { return false }
        }
        return end - start == forms.count
    }

    // MARK: - Rules

    private mutating func apply(_ kind: RuleKind, rule: CompiledRule, number: Int) {
        switch kind {
        case .existence, .substitution, .placeholder:
            for hit in self.reportable(rule: number, scopes: rule.scopes) {
                self.report(rule, hit: hit)
            }
            self.reportPatterns(rule)
        case .required:
            if self.reportable(rule: number, scopes: rule.scopes).isEmpty { self.reportMissing(rule) }
        case .context:
            guard let condition = rule.spec.when, condition.holds(for: self.context) else { return }
            if self.reportable(rule: number, scopes: rule.scopes).isEmpty && !self.hasNamePhrase(rule) {
                self.reportMissing(rule)
            }
        case .refusal:
            let refusals = self.reportable(rule: number, scopes: rule.scopes)
            guard !refusals.isEmpty else { return }
            let offered = self.hits[number].contains {
                $0.payload.role == .alternative
                    && rule.scopes.contains(Self.scope(self.tokens[$0.start].scope))
            }
            if !offered {
                for hit in refusals { self.report(rule, hit: hit) }
            }
        case .capitals:
            self.reportCapitals(rule)
        case .repetition:
            self.reportRepetition(rule)
        case .signoffName:
            self.reportSignOff(rule)
        }
    }

    /// The rule's phrase matches in its scopes that no exception covers, longest first where
    /// two overlap.
    private func reportable(rule number: Int, scopes: Set<DraftScope>) -> [Hit] {
        var matches: [Hit] = []
        var exceptions: [Hit] = []
        for hit in self.hits[number] {
            if hit.payload.role == .match {
                if scopes.contains(Self.scope(self.tokens[hit.start].scope)) { matches.append(hit) }
            } else if hit.payload.role == .exception {
                exceptions.append(hit)
            }
        }
        guard !matches.isEmpty else { return [] }
        matches.sort { ($0.start, $1.end) < ($1.start, $0.end) }
        var kept: [Hit] = []
        for hit in matches {
            // Overlapping matches of one rule are one finding over their union:
            // "because you didn't" + "you didn't include" → "because you didn't include".
            if let last = kept.last, hit.start < last.end {
                if hit.end > last.end { kept[kept.count - 1].end = hit.end }
                continue
            }
            let excepted = exceptions.contains { exception in
                let overlaps = exception.start < hit.end && hit.start < exception.end
                let containsIt = hit.start <= exception.start && exception.end <= hit.end
                    && hit.end - hit.start > exception.end - exception.start
                return overlaps && !containsIt
            }
            if !excepted && !self.exceptedByPattern(self.linter.rules[number], hit) { kept.append(hit) }
        }
        return kept
    }

    private func exceptedByPattern(_ rule: CompiledRule, _ hit: Hit) -> Bool {
        guard !rule.exceptionPatterns.isEmpty else { return false }
        let first = self.tokens[hit.start]
        let last = self.tokens[hit.end - 1]
        let lineRange = self.layout.lines[Int(first.line)]
        let line = self.lineString(Int(first.line))
        let start = self.utf16Count(lineRange.lowerBound, Int(first.start))
        let end = first.line == last.line ? self.utf16Count(lineRange.lowerBound, Int(last.end)) : line.utf16.count
        let whole = NSRange(location: 0, length: line.utf16.count)
        for pattern in rule.exceptionPatterns {
            for match in pattern.regex.matches(in: line, range: whole)
            where match.range.location < end && start < match.range.location + match.range.length {
                return true
            }
        }
        return false
    }

    private mutating func report(_ rule: CompiledRule, hit: Hit) {
        let first = self.tokens[hit.start]
        let last = self.tokens[hit.end - 1]
        let matched = self.text(Int(first.start), Int(last.end))
        var suggestion = rule.spec.suggestion
        if rule.spec.kinds.contains(.substitution), hit.payload.role == .match,
            rule.spec.replace.indices.contains(Int(hit.payload.index))
        {
            let pair = rule.spec.replace[Int(hit.payload.index)]
            if PhrasePattern(pair.phrase).positions.count == hit.end - hit.start {
                suggestion = Self.matchingCase(pair.replacement, like: matched)
            }
        }
        self.add(rule, line: Int(first.line), start: Int(first.start), match: matched, suggestion: suggestion)
    }

    /// "No problem" → "My pleasure": a replacement starts with a capital when the match did.
    static func matchingCase(_ replacement: String, like matched: String) -> String {
        guard let first = matched.first, first.isUppercase, let head = replacement.first else { return replacement }
        return head.uppercased() + replacement.dropFirst()
    }

    private mutating func reportPatterns(_ rule: CompiledRule) {
        guard !rule.patterns.isEmpty else { return }
        for (number, range) in self.layout.lines.enumerated() {
            guard case .scope(let scope) = self.layout.roles[number], rule.scopes.contains(scope) else { continue }
            var line: String?
            var covered: [NSRange] = []  // a later pattern's match inside an earlier one is the same finding
            for pattern in rule.patterns {
                if let byte = pattern.requiredByte, !self.bytes[range].contains(byte) { continue }
                let text = line ?? self.lineString(number)
                line = text
                let whole = NSRange(location: 0, length: text.utf16.count)
                for match in pattern.regex.matches(in: text, range: whole) where match.range.length > 0 {
                    if covered.contains(where: { NSIntersectionRange($0, match.range).length > 0 }) { continue }
                    covered.append(match.range)
                    // Offsets in UTF-16 are the same in `text` and the original line (’ and '
                    // are one unit each); String indices are not, so make them in the original.
                    let original = DraftLayout.text(self.bytes, range)
                    let start = String.Index(utf16Offset: match.range.location, in: original)
                    let end = String.Index(utf16Offset: match.range.location + match.range.length, in: original)
                    let column = original[..<start].count + 1
                    self.output.append(
                        Finding(
                            rule: rule.spec.id, severity: rule.spec.severity, line: number + 1, column: column,
                            match: String(original[start..<end]), message: rule.message,
                            suggestion: rule.spec.suggestion))
                }
            }
        }
    }

    private mutating func reportMissing(_ rule: CompiledRule) {
        var anchor: Int?
        for scope in rule.spec.scopes {
            if let line = self.layout.firstLine(of: scope, in: self.bytes) {
                anchor = line
                break
            }
        }
        if anchor == nil {
            anchor = self.layout.roles.indices.first { number in
                if case .scope = self.layout.roles[number] {
                    return !DraftLayout.text(self.bytes, self.layout.lines[number]).trimmingSpaces.isEmpty
                }
                return false
            }
        }
        var suggestion = rule.spec.suggestion
        if let name = self.context.firstName, rule.suggestionNamesCustomer, let template = suggestion {
            suggestion = template.replacingOccurrences(of: "{first_name}", with: name)
        }
        guard let anchor else {
            self.output.append(
                Finding(
                    rule: rule.spec.id, severity: rule.spec.severity, line: 1, column: 1, match: "",
                    message: rule.message, suggestion: suggestion))
            return
        }
        let range = self.layout.lines[anchor]
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, self.bytes[start] == 0x20 || self.bytes[start] == 0x09 { start += 1 }
        while end > start, self.bytes[end - 1] == 0x20 || self.bytes[end - 1] == 0x09 { end -= 1 }
        self.add(rule, line: anchor, start: start, match: self.text(start, end), suggestion: suggestion)
    }

    /// Whether the draft contains a phrase naming the customer ("{first_name}") in the rule's
    /// scopes. A phrase needing an unknown name never matches.
    private func hasNamePhrase(_ rule: CompiledRule) -> Bool {
        guard let name = self.context.firstName, !name.allSatisfy(\.isWhitespace) else { return false }
        for phrase in rule.namePhrases {
            let words = Tokenizer.words(phrase.before + " " + name + " " + phrase.after)
            guard !words.isEmpty else { continue }
            let lengths = words.map(\.utf8.count)
            var position = 0
            while position + words.count <= self.tokens.count {
                var matched = true
                for offset in 0..<words.count {
                    let token = self.tokens[position + offset]
                    // Compare lengths first: building the word's text is the expensive part.
                    if token.isBreak || Int(token.end - token.start) < lengths[offset]
                        || !rule.scopes.contains(Self.scope(token.scope))
                        || Tokenizer.words(self.text(Int(token.start), Int(token.end))).first != words[offset]
                    {
                        matched = false
                        break
                    }
                }
                if matched { return true }
                position += 1
            }
        }
        return false
    }

    private mutating func reportCapitals(_ rule: CompiledRule) {
        for token in self.tokens where token.isCapitals && rule.scopes.contains(Self.scope(token.scope)) {
            let start = Int(token.start)
            let end = Int(token.end)
            var letters = 0
            for byte in self.bytes[start..<end] where byte != UInt8(ascii: "'") { letters += 1 }
            guard letters >= rule.spec.minLength else { continue }
            let word = self.text(start, end)
            guard !rule.acronyms.contains(word) else { continue }
            // Codes and placeholders are not shouting: ORD-4821, [NAME], user_ID, v2.
            var chunkStart = start
            while chunkStart > 0, !Self.isSpace(self.bytes[chunkStart - 1]) { chunkStart -= 1 }
            var chunkEnd = end
            while chunkEnd < self.bytes.count, !Self.isSpace(self.bytes[chunkEnd]) { chunkEnd += 1 }
            let codeLike = self.bytes[chunkStart..<chunkEnd].contains {
                Tokenizer.isDigit($0) || "[]<>{}_@/#=\\".utf8.contains($0)
            }
            guard !codeLike else { continue }
            self.add(rule, line: Int(token.line), start: start, match: word, suggestion: word.lowercased())
        }
    }

    /// Whether the bytes are white space only, as `trimmingSpaces.isEmpty` says of their text:
    /// on bytes while they are ASCII (tab to CR and the space are its white space), else on
    /// Characters.
    private func isBlank(_ range: Range<Int>) -> Bool {
        for byte in self.bytes[range] {
            if byte >= 0x80 { return DraftLayout.text(self.bytes, range).trimmingSpaces.isEmpty }
            if byte != 0x20 && !(0x09...0x0D).contains(byte) { return false }
        }
        return true
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private mutating func reportRepetition(_ rule: CompiledRule) {
        for (number, range) in self.layout.lines.enumerated() {
            guard case .scope(let scope) = self.layout.roles[number], rule.scopes.contains(scope) else { continue }
            var index = range.lowerBound
            let table = rule.characterTable
            while index < range.upperBound {
                let byte = self.bytes[index]
                guard table[Int(byte)] else {
                    index += 1
                    continue
                }
                var end = index + 1
                while end < range.upperBound, table[Int(self.bytes[end])] { end += 1 }
                if end - index > rule.spec.maxRun {
                    self.add(
                        rule, line: number, start: index, match: self.text(index, end),
                        suggestion: rule.spec.suggestion ?? String(decoding: [byte], as: UTF8.self))
                }
                index = end
            }
        }
    }

    private mutating func reportSignOff(_ rule: CompiledRule) {
        let lines = self.layout.roles.indices.filter {
            self.layout.roles[$0] == .scope(.signOff) && !self.isBlank(self.layout.lines[$0])
        }
        guard let closing = lines.first else { return }
        let closingRange = self.layout.lines[closing]
        var nameLine = closing
        var nameStart: Int?
        if let comma = self.bytes[closingRange].firstIndex(of: UInt8(ascii: ",")) {
            var start = comma + 1
            while start < closingRange.upperBound, Self.isSpace(self.bytes[start]) { start += 1 }
            if start < closingRange.upperBound { nameStart = start }
        }
        if nameStart == nil, lines.count > 1 {
            nameLine = lines[1]
            let range = self.layout.lines[nameLine]
            var start = range.lowerBound
            while start < range.upperBound, Self.isSpace(self.bytes[start]) { start += 1 }
            nameStart = start
        }
        guard let nameStart else {
            var start = closingRange.lowerBound
            while start < closingRange.upperBound, Self.isSpace(self.bytes[start]) { start += 1 }
            self.add(
                rule, line: closing, start: start, match: self.text(start, closingRange.upperBound).trimmingSpaces,
                suggestion: rule.spec.suggestion)
            return
        }
        let nameEnd = self.layout.lines[nameLine].upperBound
        let name = self.text(nameStart, nameEnd).trimmingSpaces
        if Tokenizer.words(Self.writerPart(of: name)).contains(where: { rule.teamWords.contains($0) }) {
            self.add(rule, line: nameLine, start: nameStart, match: name, suggestion: rule.spec.suggestion)
        }
    }

    /// The words of a sign-off name that name the writer, joined by single spaces: only the
    /// first part does ("Priya Shah, Support Team" is personal). The words end before a dash, a
    /// bar, "from", "at" or a word that opens with "(" or "|", and after a word that ends with a
    /// comma or holds "|" or "(".
    static func writerPart(of name: String) -> String {
        var name = name
        // An ASCII name (nearly all) by its bytes: splitting and comparing `Character`s cost
        // more than the rest of this rule.
        if let part = name.withUTF8({ Self.asciiWriterPart(of: $0) }) { return part }
        return Self.characterWriterPart(of: name)
    }

    /// `writerPart` by `Character`s, for any name.
    static func characterWriterPart(of name: String) -> String {
        var head: [String] = []
        for word in name.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if word == "-" || word == "–" || word == "—" || word == "|" || word == "from" || word == "at" { break }
            if word.hasPrefix("(") || word.hasPrefix("|") { break }
            head.append(String(word))
            if word.hasSuffix(",") || word.contains(where: { $0 == "|" || $0 == "(" }) { break }
        }
        return head.joined(separator: " ")
    }

    /// The ASCII words before which the writer's part ends ("–" and "—" are not ASCII).
    private static let writerStops: [[UInt8]] = ["-", "|", "from", "at"].map { Array($0.utf8) }

    /// `writerPart` of an ASCII name, where every byte is a `Character`; nil for any other name.
    private static func asciiWriterPart(of name: UnsafeBufferPointer<UInt8>) -> String? {
        guard name.allSatisfy({ $0 < 0x80 }) else { return nil }
        var part: [UInt8] = []
        part.reserveCapacity(name.count)
        var index = 0
        scan: while index < name.count {
            guard name[index] != UInt8(ascii: " ") && name[index] != UInt8(ascii: "\t") else {
                index += 1
                continue
            }
            let start = index
            while index < name.count && name[index] != UInt8(ascii: " ") && name[index] != UInt8(ascii: "\t") { index += 1 }
            let word = UnsafeBufferPointer(rebasing: name[start..<index])
            for stop in Self.writerStops where word.elementsEqual(stop) { break scan }
            if word[0] == UInt8(ascii: "(") || word[0] == UInt8(ascii: "|") { break }
            if !part.isEmpty { part.append(UInt8(ascii: " ")) }
            part.append(contentsOf: word)
            if word[word.count - 1] == UInt8(ascii: ",") || word.contains(UInt8(ascii: "|")) || word.contains(UInt8(ascii: "(")) {
                break
            }
        }
        return String(decoding: part, as: UTF8.self)
    }

    // MARK: - Text helpers

    private mutating func add(_ rule: CompiledRule, line: Int, start: Int, match: String, suggestion: String?) {
        let lineStart = self.layout.lines[line].lowerBound
        let column = self.text(lineStart, start).count + 1
        self.output.append(
            Finding(
                rule: rule.spec.id, severity: rule.spec.severity, line: line + 1, column: column, match: match,
                message: rule.message, suggestion: suggestion))
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<max(start, end)]), as: UTF8.self)
    }

    /// The line with typographic apostrophes straightened; ’ and ' are both one UTF-16 unit,
    /// so offsets in it are offsets in the original line.
    private func lineString(_ number: Int) -> String {
        let range = self.layout.lines[number]
        let text = DraftLayout.text(self.bytes, range)
        var curly = false
        for index in range where self.bytes[index] == 0xE2 && index + 2 < range.upperBound
            && self.bytes[index + 1] == 0x80 && self.bytes[index + 2] == 0x99
        {
            curly = true
            break
        }
        return curly ? String(text.map { $0 == "’" ? "'" : $0 }) : text
    }

    private func utf16Count(_ start: Int, _ end: Int) -> Int {
        self.text(start, end).utf16.count
    }
}

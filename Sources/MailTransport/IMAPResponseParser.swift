/// A parsed IMAP value: an atom (numbers, flags and `BODY[]` included), a string (quoted or a
/// literal, kept as bytes because literals are message data), a parenthesised list, or NIL.
indirect enum IMAPValue: Equatable, Sendable {
    case atom(String)
    case string([UInt8])
    case list([IMAPValue])
    case nil_

    var atom: String? { if case .atom(let a) = self { return a } else { return nil } }
    var number: UInt64? { self.atom.flatMap { UInt64($0) } }
    var list: [IMAPValue]? { if case .list(let l) = self { return l } else { return nil } }
    var bytes: [UInt8]? { if case .string(let b) = self { return b } else { return nil } }
}

/// OK, NO, BAD, BYE or PREAUTH.
enum IMAPCondition: String, Equatable, Sendable {
    case ok = "OK", no = "NO", bad = "BAD", bye = "BYE", preauth = "PREAUTH"
}

/// A bracketed response code such as `[UIDVALIDITY 42]` or `[APPENDUID 42 7]`.
struct IMAPResponseCode: Equatable, Sendable {
    var name: String
    var arguments: [String]
}

/// One complete server response.
enum IMAPResponse: Equatable, Sendable {
    /// `* OK [code] text`, `* BYE text`, ...
    case condition(IMAPCondition, code: IMAPResponseCode?, text: String)
    /// `* 12 EXISTS`, `* 3 FETCH (...)`, `* 4 EXPUNGE`.
    case message(number: UInt64, keyword: String, values: [IMAPValue])
    /// `* SEARCH 1 2 3`, `* FLAGS (...)`, `* CAPABILITY ...`.
    case data(keyword: String, values: [IMAPValue])
    /// `tag OK/NO/BAD [code] text`: the end of a command.
    case tagged(tag: String, condition: IMAPCondition, code: IMAPResponseCode?, text: String)
    /// `+ text`: the server waits for more from us (literal data, IDLE started).
    case continuation(String)
}

/// Why the server's bytes could not be understood, or broke a size limit.
struct IMAPParseError: Error, Equatable, Sendable {
    let message: String
}

/// An incremental IMAP response parser: bytes in, complete responses out. Pure (no I/O), so it
/// is tested without a server. Literals `{n}` of any size may arrive split across any number of
/// chunks; lines and literals are capped so a hostile server cannot make us hold unbounded memory.
struct IMAPResponseParser {
    /// Longest line (without its literals) we accept. `UID SEARCH` over a million messages is ~8 MB.
    var maxLineLength: Int
    /// Largest single literal we accept (a message body).
    var maxLiteralSize: Int

    private var buffer: [UInt8] = []
    /// First byte not yet consumed.
    private var start = 0
    /// Where the search for the next CRLF resumes (so a long line is scanned once, not per chunk).
    private var scanFrom = 0
    /// Segments of the response being assembled: text pieces and literal payloads, alternating.
    private var segments: [Segment] = []
    /// Bytes of the literal still expected, when inside one.
    private var literalRemaining: Int?

    enum Segment: Equatable {
        case text([UInt8])
        case literal([UInt8])
    }

    init(maxLineLength: Int = 32 << 20, maxLiteralSize: Int = 64 << 20) {
        self.maxLineLength = maxLineLength
        self.maxLiteralSize = maxLiteralSize
    }

    /// Hands received bytes to the parser.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        self.compact()
        // A typed buffer takes Array's memcpy path; a raw one is appended byte by byte.
        self.buffer.append(contentsOf: bytes.bindMemory(to: UInt8.self))
    }

    mutating func append(_ bytes: [UInt8]) {
        self.compact()
        self.buffer.append(contentsOf: bytes)
    }

    /// Drops consumed bytes once they are the larger part of the buffer (amortised O(1) per byte).
    private mutating func compact() {
        guard self.start > 0, self.start >= self.buffer.count / 2 else { return }
        self.buffer.removeFirst(self.start)
        self.scanFrom -= self.start
        self.start = 0
    }

    /// True when no partial response is buffered.
    var isIdle: Bool { self.start == self.buffer.count && self.segments.isEmpty && self.literalRemaining == nil }

    /// The next complete response, or nil when more bytes are needed.
    mutating func next() throws(IMAPParseError) -> IMAPResponse? {
        while true {
            if let remaining = self.literalRemaining {
                guard self.buffer.count - self.start >= remaining else { return nil }
                self.segments.append(.literal(Array(self.buffer[self.start..<self.start + remaining])))
                self.start += remaining
                self.scanFrom = self.start
                self.literalRemaining = nil
                continue
            }
            guard let lineEnd = self.findLineEnd() else {
                if self.buffer.count - self.start > self.maxLineLength {
                    throw IMAPParseError(message: "the server sent a line longer than \(self.maxLineLength) bytes")
                }
                return nil
            }
            var line = Array(self.buffer[self.start..<lineEnd])
            self.start = lineEnd + 2
            self.scanFrom = self.start
            if let (size, markerStart) = Self.literalMarker(line) {
                guard size <= self.maxLiteralSize else {
                    throw IMAPParseError(
                        message: "the server announced a literal of \(size) bytes, above the limit of \(self.maxLiteralSize)")
                }
                line.removeSubrange(markerStart...)
                self.segments.append(.text(line))
                self.literalRemaining = size
                continue
            }
            self.segments.append(.text(line))
            let segments = self.segments
            self.segments = []
            return try Self.interpret(segments)
        }
    }

    private mutating func findLineEnd() -> Int? {
        var i = max(self.scanFrom, self.start)
        let end = self.buffer.count - 1
        while i < end {
            if self.buffer[i] == 13 && self.buffer[i + 1] == 10 { return i }
            i += 1
        }
        self.scanFrom = max(self.start, end)
        return nil
    }

    /// `{123}` or `{123+}` at the end of a line: the size and where the marker starts.
    static func literalMarker(_ line: [UInt8]) -> (Int, Int)? {
        guard line.last == UInt8(ascii: "}"), let open = line.lastIndex(of: UInt8(ascii: "{")) else { return nil }
        var digits = line[(open + 1)..<(line.count - 1)]
        if digits.last == UInt8(ascii: "+") { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return (Int(String(decoding: digits, as: UTF8.self))!, open)
    }

    // MARK: - Interpretation of one complete response

    static func interpret(_ segments: [Segment]) throws(IMAPParseError) -> IMAPResponse {
        var tokens = IMAPTokenizer(segments: segments)
        guard case .text(let first)? = segments.first, !first.isEmpty else {
            throw IMAPParseError(message: "the server sent an empty line")
        }
        if first[0] == UInt8(ascii: "+") {
            let text = String(decoding: first.dropFirst(first.count > 1 && first[1] == 32 ? 2 : 1), as: UTF8.self)
            return .continuation(text)
        }
        guard let tag = tokens.nextAtom() else {
            throw IMAPParseError(message: "a response without a tag: \(Self.preview(first))")
        }
        if tag == "*" {
            guard let word = tokens.nextAtom() else {
                throw IMAPParseError(message: "an untagged response without content: \(Self.preview(first))")
            }
            if let number = UInt64(word) {
                guard let keyword = tokens.nextAtom() else {
                    throw IMAPParseError(message: "a numbered response without keyword: \(Self.preview(first))")
                }
                return .message(number: number, keyword: keyword.uppercased(), values: try tokens.rest())
            }
            if let condition = IMAPCondition(rawValue: word.uppercased()) {
                let (code, text) = tokens.conditionTail()
                return .condition(condition, code: code, text: text)
            }
            return .data(keyword: word.uppercased(), values: try tokens.rest())
        }
        guard let word = tokens.nextAtom(), let condition = IMAPCondition(rawValue: word.uppercased()) else {
            throw IMAPParseError(message: "a tagged response without OK/NO/BAD: \(Self.preview(first))")
        }
        let (code, text) = tokens.conditionTail()
        return .tagged(tag: tag, condition: condition, code: code, text: text)
    }

    static func preview(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(80), as: UTF8.self)
    }
}

/// Reads values out of a response's segments. A literal segment is the string value that its
/// preceding text segment's `{n}` announced.
struct IMAPTokenizer {
    private let segments: [IMAPResponseParser.Segment]
    private var segmentIndex = 0
    private var position = 0

    init(segments: [IMAPResponseParser.Segment]) {
        self.segments = segments
    }

    private var text: [UInt8] {
        if case .text(let t) = self.segments[self.segmentIndex] { return t }
        return []
    }

    private mutating func skipSpaces() {
        while self.segmentIndex < self.segments.count {
            let t = self.text
            while self.position < t.count && t[self.position] == 32 { self.position += 1 }
            return
        }
    }

    /// The next space-delimited word of the first line (tags, keywords).
    mutating func nextAtom() -> String? {
        self.skipSpaces()
        let t = self.text
        let begin = self.position
        while self.position < t.count && t[self.position] != 32 { self.position += 1 }
        return begin < self.position ? String(decoding: t[begin..<self.position], as: UTF8.self) : nil
    }

    /// `[CODE args] text` after OK/NO/BAD/BYE.
    mutating func conditionTail() -> (IMAPResponseCode?, String) {
        self.skipSpaces()
        let t = self.text
        var code: IMAPResponseCode?
        if self.position < t.count && t[self.position] == UInt8(ascii: "[") {
            if let close = t[self.position...].firstIndex(of: UInt8(ascii: "]")) {
                let inner = String(decoding: t[(self.position + 1)..<close], as: UTF8.self)
                let words = inner.split(separator: " ").map(String.init)
                if let name = words.first {
                    code = IMAPResponseCode(name: name.uppercased(), arguments: Array(words.dropFirst()))
                }
                self.position = close + 1
                self.skipSpaces()
            }
        }
        return (code, String(decoding: t[min(self.position, t.count)...], as: UTF8.self))
    }

    /// All remaining values.
    mutating func rest() throws(IMAPParseError) -> [IMAPValue] {
        var values: [IMAPValue] = []
        while let value = try self.value(depth: 0) { values.append(value) }
        return values
    }

    private mutating func value(depth: Int) throws(IMAPParseError) -> IMAPValue? {
        guard depth < 64 else { throw IMAPParseError(message: "lists nested deeper than 64 levels") }
        self.skipSpaces()
        let t = self.text
        if self.position >= t.count {
            // End of this text: a literal follows if another segment exists.
            guard self.segmentIndex + 1 < self.segments.count else { return nil }
            guard case .literal(let bytes) = self.segments[self.segmentIndex + 1] else {
                throw IMAPParseError(message: "two text segments in a row")
            }
            self.segmentIndex += 2
            self.position = 0
            return .string(bytes)
        }
        let c = t[self.position]
        switch c {
        case UInt8(ascii: "("):
            self.position += 1
            var items: [IMAPValue] = []
            while true {
                self.skipSpaces()
                let now = self.text
                if self.position < now.count && now[self.position] == UInt8(ascii: ")") {
                    self.position += 1
                    return .list(items)
                }
                guard let item = try self.value(depth: depth + 1) else {
                    throw IMAPParseError(message: "a list that is never closed")
                }
                items.append(item)
            }
        case UInt8(ascii: ")"):
            throw IMAPParseError(message: "a ')' without '('")
        case UInt8(ascii: "\""):
            self.position += 1
            var bytes: [UInt8] = []
            while self.position < t.count {
                let b = t[self.position]
                self.position += 1
                if b == UInt8(ascii: "\\") && self.position < t.count {
                    bytes.append(t[self.position])
                    self.position += 1
                } else if b == UInt8(ascii: "\"") {
                    return .string(bytes)
                } else {
                    bytes.append(b)
                }
            }
            throw IMAPParseError(message: "a quoted string that is never closed")
        default:
            let begin = self.position
            var bracket = 0
            while self.position < t.count {
                let b = t[self.position]
                if b == UInt8(ascii: "[") { bracket += 1 }
                if b == UInt8(ascii: "]") { bracket -= 1 }
                // Inside `BODY[...]` spaces and parentheses belong to the atom.
                if bracket <= 0 && (b == 32 || b == UInt8(ascii: "(") || b == UInt8(ascii: ")")) { break }
                self.position += 1
            }
            let word = String(decoding: t[begin..<self.position], as: UTF8.self)
            return word.uppercased() == "NIL" ? .nil_ : .atom(word)
        }
    }
}

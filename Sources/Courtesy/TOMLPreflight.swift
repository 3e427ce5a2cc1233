/// Checks TOML text for what would crash the TOML library instead of giving a syntax error.
///
/// toml++ (inside TOMLKit) asserts, and so aborts the process, on two kinds of input, found by
/// fuzzing (scripts/fuzz config, rules):
/// - a table header whose first character after `[` or `[[` is neither a bare-key character nor
///   a quote: `[é]`, `[#]`, a `[` at the end of a line;
/// - in an array, where a value is expected (after `[` or a comma, past blanks, line breaks and
///   comments), a `}` or a Unicode line break (U+0085, U+2028, U+2029): `x = [ }`, `x = [1, }`.
/// Every loader of TOML written by people runs this first and reports a syntax error with the
/// line instead.
public enum TOMLPreflight {
    public struct Problem: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// A table header that does not start with a name.
            case tableHeader
            /// An array in which `found` stands where a value or `]` must.
            case arrayValue(found: Unicode.Scalar)
        }
        public let line: Int
        public let column: Int
        public let kind: Kind

        /// What is wrong, for an error message ("TOML syntax error at column 3: …").
        public var problem: String {
            switch self.kind {
            case .tableHeader: return "a table header must start with its name"
            case .arrayValue(let found):
                let hex = String(found.value, radix: 16, uppercase: true)
                let shown = found.value < 0x80 ? "'\(Character(found))'" : "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                return "an array holds \(shown) where a value or its closing ']' must be"
            }
        }
    }

    /// The first place where the TOML library would abort rather than report an error.
    public static func problem(in text: String) -> Problem? {
        var scanner = Scanner(Array(text.unicodeScalars))
        return scanner.run()
    }

    /// A small lexer: it follows strings, comments and brackets of values only far enough to know
    /// which `[` at the start of a line opens a table header, and where an array expects a value.
    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var lineStart = 0
        /// Unclosed `[` and `{` of values (arrays and inline tables, which may span lines).
        var open: [Unicode.Scalar] = []
        var valueDepth: Int { self.open.count }
        /// Inside an array, right after `[` or a comma: a value (or `]`) must come next.
        var expectingValue = false

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }

        mutating func advance() {
            if scalars[index] == "\n" {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }

        static func startsKey(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
                || c == "_" || c == "-" || c == "\"" || c == "'" || c == "]"
        }

        mutating func run() -> Problem? {
            var atLineStart = true
            while let c = peek() {
                if atLineStart && valueDepth == 0 {
                    if c == " " || c == "\t" {
                        advance()
                        continue
                    }
                    atLineStart = false
                    if c == "[" {
                        advance()
                        if peek() == "[" { advance() }
                        while peek() == " " || peek() == "\t" { advance() }
                        guard let first = peek(), Self.startsKey(first) else {
                            return Problem(line: line, column: index - lineStart + 1, kind: .tableHeader)
                        }
                        skipToEndOfLine()
                        continue
                    }
                }
                if expectingValue {
                    switch c {
                    case " ", "\t", "\r", "\n", "#": break  // toml++ skips these before a value
                    case "}", "\u{85}", "\u{2028}", "\u{2029}":
                        return Problem(line: line, column: index - lineStart + 1, kind: .arrayValue(found: c))
                    default: expectingValue = false
                    }
                }
                switch c {
                case "\n":
                    atLineStart = true
                    advance()
                case "#":
                    skipToEndOfLine()
                case "\"", "'":
                    skipString(quote: c)
                case "[", "{":
                    open.append(c)
                    expectingValue = c == "["
                    advance()
                case "]", "}":
                    if !open.isEmpty { open.removeLast() }
                    advance()
                case ",":
                    expectingValue = open.last == "["
                    advance()
                default:
                    advance()
                }
            }
            return nil
        }

        mutating func skipToEndOfLine() {
            while let c = peek(), c != "\n" { advance() }
        }

        /// Past a basic or literal string, single- or multi-line (escapes only in basic strings).
        mutating func skipString(quote: Unicode.Scalar) {
            let multiLine = peek(1) == quote && peek(2) == quote
            advance()
            if multiLine {
                advance()
                advance()
            }
            while let c = peek() {
                if quote == "\"" && c == "\\" {
                    advance()
                    if peek() != nil { advance() }
                    continue
                }
                if c == quote {
                    if !multiLine {
                        advance()
                        return
                    }
                    if peek(1) == quote && peek(2) == quote {
                        advance()
                        advance()
                        advance()
                        // Up to two more quotes may close a multi-line string ("""a"""").
                        while peek() == quote { advance() }
                        return
                    }
                }
                if c == "\n" && !multiLine { return }  // an unclosed string: the parser reports it
                advance()
            }
        }
    }
}

/// Checks TOML text for what would crash the TOML library instead of giving a syntax error.
///
/// toml++ (inside TOMLKit) asserts, and so aborts the process, when a table header's first
/// character after `[` or `[[` is neither a bare-key character nor a quote: `[é]`, `[#]`, a `[`
/// at the end of a line. Found by fuzzing (scripts/fuzz config, rules); every loader of TOML
/// written by people runs this first and reports a syntax error with the line instead.
public enum TOMLPreflight {
    /// The first table header whose name cannot start as it does, as (line, column), 1-based.
    public static func brokenTableHeader(in text: String) -> (line: Int, column: Int)? {
        var scanner = Scanner(Array(text.unicodeScalars))
        return scanner.run()
    }

    /// A small lexer: it follows strings, comments and brackets of values only far enough to know
    /// which `[` at the start of a line opens a table header.
    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var lineStart = 0
        /// Unclosed `[` and `{` of a value (an array or inline table spanning lines).
        var valueDepth = 0

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

        mutating func run() -> (line: Int, column: Int)? {
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
                            return (line, index - lineStart + 1)
                        }
                        skipToEndOfLine()
                        continue
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
                    valueDepth += 1
                    advance()
                case "]", "}":
                    valueDepth = max(0, valueDepth - 1)
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

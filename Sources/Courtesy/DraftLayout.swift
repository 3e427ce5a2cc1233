/// What a line of a draft is: part of a scope, quoted history (never linted), or a
/// `tact: ignore` directive.
enum LineRole: Equatable {
    case scope(DraftScope)
    case quoted
    case directive
}

/// Greetings and closings as the layout looks them up, made once per linter: "Best regards" is
/// also looked for as "Best regards," (this was done per line, a string per closing), and the
/// closings' first bytes (lower case) rule most lines out.
struct LayoutWords: Sendable {
    let greetings: [String]
    let closings: [String]
    let closingsWithComma: [String]
    let closingInitials: Set<UInt8>
    private let closingSet: Set<String>
    private let closingsWithCommaSet: Set<String>

    init(greetings: [String], closings: [String]) {
        self.greetings = greetings
        self.closings = closings
        self.closingsWithComma = closings.map { $0 + "," }
        self.closingInitials = Set(closings.compactMap { $0.utf8.first })
        self.closingSet = Set(closings)
        self.closingsWithCommaSet = Set(self.closingsWithComma)
    }

    /// Whether a line (normalised, trailing punctuation stripped) is a closing, or starts with a
    /// closing and a comma ("best regards, priya"). An ASCII line is looked up in sets, a prefix
    /// for each of its commas (for ASCII text `hasPrefix` compares bytes, and a prefix ending in a
    /// comma can only end at one); comparing it with every closing cost more than the rest of
    /// the layout.
    func isClosing(_ stripped: String) -> Bool {
        if self.closingSet.contains(stripped) { return true }
        guard stripped.utf8.allSatisfy({ $0 < 0x80 }) else {
            return self.closingsWithComma.contains { stripped.hasPrefix($0) }
        }
        let utf8 = stripped.utf8
        var index = utf8.startIndex
        while let comma = utf8[index...].firstIndex(of: UInt8(ascii: ",")) {
            index = utf8.index(after: comma)
            if self.closingsWithCommaSet.contains(String(stripped[..<index])) { return true }
        }
        return false
    }
}

/// A draft split into lines, each with its role, as the user sees it: line numbers count every
/// line, quoted and directive lines included.
struct DraftLayout {
    /// Byte ranges of each line in the draft's UTF-8, without the line break (and without a
    /// trailing carriage return).
    var lines: [Range<Int>] = []
    var roles: [LineRole] = []
    /// Rule ids named by `tact: ignore` lines.
    var ignored: Set<String> = []

    init(_ bytes: UnsafeBufferPointer<UInt8>, words: LayoutWords) {
        let greetings = words.greetings
        var start = 0
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
            self.lines.append(start..<Self.trimCarriageReturn(bytes, start, index))
            start = index + 1
        }
        if start < bytes.count || bytes.isEmpty || bytes[bytes.count - 1] != UInt8(ascii: "\n") {
            self.lines.append(start..<Self.trimCarriageReturn(bytes, start, bytes.count))
        }
        self.roles = Array(repeating: .scope(.body), count: self.lines.count)
        var quotedFrom = self.lines.count
        var signatureFrom: Int?
        for (number, range) in self.lines.enumerated() {
            // Most lines are prose: look at raw bytes first, and make a String only for the
            // few lines that may be a quote, a directive or a separator.
            guard let first = Self.firstNonSpace(bytes, range) else { continue }
            let byte = bytes[first]
            if byte == UInt8(ascii: ">") {
                self.roles[number] = .quoted
                continue
            }
            guard byte == UInt8(ascii: "O") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "t")
                || byte == UInt8(ascii: "T")
            else { continue }
            // Of these, only an ignore directive starts with a "t", and it starts "tact" in any
            // case: other lines ("Thank you for…", the most common first words of a reply) are
            // let go on bytes, without lower-casing them whole.
            if byte | 0x20 == UInt8(ascii: "t") {
                guard range.upperBound - first >= 4, bytes[first + 1] | 0x20 == UInt8(ascii: "a"),
                    bytes[first + 2] | 0x20 == UInt8(ascii: "c"), bytes[first + 3] | 0x20 == UInt8(ascii: "t")
                else { continue }
            }
            let text = Self.text(bytes, range)
            let trimmed = text.trimmingSpaces
            // Mail clients wrap a long "On …, Jane <jane@…> wrote:" over two lines.
            let wrapped =
                trimmed.hasPrefix("On ") && number + 1 < self.lines.count
                && Self.text(bytes, self.lines[number + 1]).trimmingSpaces.hasSuffix("wrote:")
            if Self.isQuoteIntroduction(trimmed) || wrapped {
                quotedFrom = number
                break
            } else if let ids = IgnoreDirective.ruleIDs(in: trimmed) {
                self.roles[number] = .directive
                self.ignored.formUnion(ids)
            } else if signatureFrom == nil && (trimmed == "--" || text == "-- ") {
                signatureFrom = number
            }
        }
        for number in quotedFrom..<self.lines.count { self.roles[number] = .quoted }
        let ownEnd = signatureFrom ?? quotedFrom
        if let signatureFrom {
            for number in signatureFrom..<quotedFrom where self.roles[number] != .quoted
                && self.roles[number] != .directive
            {
                self.roles[number] = .scope(.signature)
            }
        }
        // The greeting is the first line of our own text, if it opens with a greeting word.
        var greetingLine: Int?
        for number in 0..<ownEnd where self.roles[number] == .scope(.body) {
            if Self.firstNonSpace(bytes, self.lines[number]) == nil { continue }
            let text = Self.text(bytes, self.lines[number]).normalisedLine
            // A short first line ending in a comma is a greeting too: "Jane," or "Jane Doe,".
            let nameOnly = text.count <= 40 && text.hasSuffix(",") && !Self.containsComma(text.dropLast())
            if nameOnly || greetings.contains(where: { text.startsWithWords($0) }) {
                self.roles[number] = .scope(.greeting)
                greetingLine = number
            }
            break
        }
        // The sign-off starts at the last closing phrase ("Best regards,") near the end.
        let closingInitials = words.closingInitials
        var nonBlankSeen = 0
        var number = ownEnd - 1
        while number > (greetingLine ?? -1), nonBlankSeen < 6 {
            defer { number -= 1 }
            guard self.roles[number] == .scope(.body) else { continue }
            let range = self.lines[number]
            if Self.firstNonSpace(bytes, range) == nil { continue }
            nonBlankSeen += 1
            // Closings are short ("Best regards, Priya Shah") and start with a closing's letter.
            guard range.count < 48, let first = Self.firstNonSpace(bytes, range),
                closingInitials.contains(bytes[first] | 0x20)
            else { continue }
            let text = Self.text(bytes, range).normalisedLine
            let stripped = text.trimmingTrailingPunctuation
            // "Thanks!" as the draft's last words is prose; a closing ends in a comma, carries a
            // name after a comma, or has a name line below it.
            let hasNameBelow = (number + 1..<ownEnd).contains { Self.firstNonSpace(bytes, self.lines[$0]) != nil }
            if words.isClosing(stripped),
                hasNameBelow || text.hasSuffix(",") || Self.containsComma(Substring(stripped))
            {
                for line in number..<ownEnd where self.roles[line] == .scope(.body) {
                    self.roles[line] = .scope(.signOff)
                }
                break
            }
        }
    }

    /// Whether `text` contains ",": on bytes when it is ASCII (nearly always), else through
    /// Foundation's search as before.
    static func containsComma(_ text: Substring) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.contains(UInt8(ascii: ",")) }
        return text.contains(",")
    }

    /// The index of the first byte of `range` that is not a space or tab; `nil` for a blank line.
    static func firstNonSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte != 0x20 && byte != 0x09 { return index }
            index += 1
        }
        return nil
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private static func trimCarriageReturn(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        end > start && bytes[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
    }

    /// "On Mon, 3 Jun 2024, Jane <jane@example.com> wrote:" and Outlook's separator start the
    /// quoted history.
    static func isQuoteIntroduction(_ trimmed: String) -> Bool {
        if trimmed.hasPrefix("On ") && (trimmed.hasSuffix("wrote:") || trimmed.hasSuffix("wrote :")) { return true }
        return trimmed.hasPrefix("-----Original Message-----")
    }

    /// The first line (0-based) of `scope`, if the draft has one.
    func firstLine(of scope: DraftScope, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        for (number, role) in self.roles.enumerated() where role == .scope(scope) {
            if Self.firstNonSpace(bytes, self.lines[number]) != nil { return number }
        }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    /// Lowercased, trimmed, typographic apostrophes straightened, runs of spaces collapsed.
    var normalisedLine: String {
        if self.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII (most lines): the same on bytes, without a grapheme check per character.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(self.utf8.count)
            var lastWasSpace = true
            for byte in self.utf8 {
                if byte == 0x20 || (0x09...0x0D).contains(byte) {
                    if !lastWasSpace { bytes.append(0x20) }
                    lastWasSpace = true
                } else {
                    bytes.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
                    lastWasSpace = false
                }
            }
            if bytes.last == 0x20 { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
        var result = ""
        var lastWasSpace = true
        for character in self.lowercased() {
            if character.isWhitespace {
                if !lastWasSpace { result.append(" ") }
                lastWasSpace = true
            } else {
                result.append(character == "’" || character == "‘" || character == "ʼ" ? "'" : character)
                lastWasSpace = false
            }
        }
        if result.last == " " { result.removeLast() }
        return result
    }

    var trimmingTrailingPunctuation: String {
        var text = Substring(self)
        while let last = text.last, last == "," || last == "." || last == "!" || last == " " || last == "-" {
            text.removeLast()
        }
        return String(text)
    }

    /// Whether the text begins with `words` followed by the end or a non-letter.
    func startsWithWords(_ words: String) -> Bool {
        guard self.hasPrefix(words) else { return false }
        guard let next = self.dropFirst(words.count).first else { return true }
        return !next.isLetter && !next.isNumber
    }
}

import Foundation

/// A body split into what the customer wrote this time, what they quoted (earlier mail,
/// forwarded mail) and their signature, so later stages read only the customer's own words.
public struct MessageText: Sendable, Hashable {
    /// The customer's own words, without quoted history, sign-off or signature.
    public var ownWords: String
    /// Quoted and forwarded history: `>` lines, and everything after an attribution line,
    /// an "Original Message" separator, an Outlook `From:/Sent:` block or a forward marker.
    public var quoted: String
    /// The sign-off and signature block (`-- ` and what follows, or a closing such as
    /// "Thanks,\nJane" and the lines under it).
    public var signature: String

    public init(ownWords: String, quoted: String, signature: String) {
        self.ownWords = ownWords
        self.quoted = quoted
        self.signature = signature
    }

    /// Splits a plain-text body (LF line ends).
    /// - Parameters:
    ///   - body: the text body.
    ///   - senderName: the From display name, when known: a last line that is just the sender's
    ///     name or first name ("Priya") is their signature too.
    public init(splitting body: String, senderName: String? = nil) {
        let lines = body.lineFeedLines()
        let marked = QuoteMarkers.linesWithMarkers(body, lines)
        var own: [Substring] = []
        var quoted: [Substring] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            // Blank lines and lines without a marker character cannot start history: skipping
            // them keeps hostile bodies (a million empty lines) linear and cheap.
            let mayMark = marked.map { $0[index] || QuoteMarkers.startsAttribution(line) } ?? QuoteMarkers.mayMark(line)
            if !mayMark {
                own.append(line)
                index += 1
                continue
            }
            if QuoteMarkers.isQuoteLine(line) {
                quoted.append(line)
                index += 1
                continue
            }
            if let length = QuoteMarkers.attributionLength(lines, at: index) {
                quoted.append(contentsOf: lines[index..<index + length])
                index += length
                // "On … wrote:" over `>` lines may be followed by an answer below the quote
                // (bottom-posting); over anything else, all that follows is history.
                let next = lines[index...].firstIndex { !$0.allSatisfy(\.isWhitespace) }
                if let next, QuoteMarkers.isQuoteLine(lines[next]) { continue }
                quoted.append(contentsOf: lines[index...])
                break
            }
            if QuoteMarkers.isHistoryBoundary(lines, at: index) {
                quoted.append(contentsOf: lines[index...])
                break
            }
            own.append(line)
            index += 1
        }
        let signatureStart = SignOff.signatureStart(in: own) ?? SignOff.bareName(in: own, senderName: senderName)
        let signature = signatureStart.map { Array(own[$0...]) } ?? []
        if let signatureStart { own.removeSubrange(signatureStart...) }
        self.ownWords = Self.tidy(own)
        self.quoted = Self.tidy(quoted)
        self.signature = Self.tidy(signature)
    }

    /// Joins lines, trims trailing spaces, collapses runs of blank lines and trims the ends.
    /// `lines` are slices of one text, as `lineFeedLines` cuts it.
    private static func tidy(_ lines: [Substring]) -> String {
        // Lines that follow each other in the text, untrimmed, are copied as one run of it with
        // their line feeds, and so is one empty line between two of them (a paragraph break, which
        // the result keeps as it is): appending line by line (a line and a "\n" each) cost ~10 k
        // instructions for a 4 KB body, three times a message.
        guard let base = lines.first?.base else { return "" }
        var text = ""
        var run: (start: String.Index, end: String.Index, isLineEnd: Bool)?
        // Blank lines since the last line of text, and whether they were all empty (no blanks).
        var blanks = 0
        var blanksAreEmpty = true
        for line in lines {
            // Trailing spaces and tabs, found on bytes (both are Characters of their own).
            var end = line.utf8.endIndex
            while end > line.utf8.startIndex {
                let before = line.utf8.index(before: end)
                guard line.utf8[before] == 0x20 || line.utf8[before] == 0x09 else { break }
                end = before
            }
            if end == line.utf8.startIndex {
                blanks += 1
                if !line.isEmpty { blanksAreEmpty = false }
                continue
            }
            if let current = run, current.isLineEnd, blanks <= 1, blanksAreEmpty {
                // The next line of the text after one line feed, or after an empty line: the run
                // grows over them, if they follow each other in the text.
                let gap = blanks + 1
                if base.utf8.distance(from: current.end, to: line.startIndex) == gap {
                    run = (current.start, end, end == line.endIndex)
                    blanks = 0
                    continue
                }
            }
            // A line feed between lines, and one empty line for each run of blank lines between
            // two lines of text; none at either end.
            if let current = run {
                if text.isEmpty { text.reserveCapacity(base.utf8.distance(from: current.start, to: base.utf8.endIndex)) }
                text.append(contentsOf: base[current.start..<current.end])
                text.append(blanks > 0 ? "\n\n" : "\n")
            }
            run = (line.startIndex, end, end == line.endIndex)
            blanks = 0
            blanksAreEmpty = true
        }
        guard let current = run else { return "" }
        if text.isEmpty { return String(base[current.start..<current.end]) }
        text.append(contentsOf: base[current.start..<current.end])
        return text
    }
}

extension StringProtocol {
    /// The lines between line feeds, empty ones included, found on UTF-8 bytes (`split` on
    /// Characters costs a grapheme break check per character). In an LF text every line feed is
    /// a Character of its own, so the result is `split(separator: "\n", omittingEmptySubsequences:
    /// false)`'s.
    public func lineFeedLines() -> [SubSequence] {
        var lines: [SubSequence] = []
        let utf8 = self.utf8
        // Native text: find the line feeds in its contiguous bytes, then step to each by offset
        // (walking the view byte by byte cost ~30 instructions a byte).
        let offsets: [Int]? = utf8.withContiguousStorageIfAvailable { bytes in
            var offsets: [Int] = []
            guard let base = bytes.baseAddress else { return offsets }
            // memchr: a byte loop here cost 3 instructions a byte, the largest part of this.
            var offset = 0
            while offset < bytes.count, let found = memchr(base + offset, 0x0A, bytes.count - offset) {
                let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                offsets.append(at)
                offset = at + 1
            }
            return offsets
        }
        if let offsets {
            lines.reserveCapacity(offsets.count + 1)
            var start = utf8.startIndex
            var previous = 0
            for offset in offsets {
                let index = utf8.index(start, offsetBy: offset - previous)
                lines.append(self[start..<index])
                start = utf8.index(after: index)
                previous = offset + 1
            }
            lines.append(self[start..<utf8.endIndex])
            return lines
        }
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == 0x0A {
                lines.append(self[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        lines.append(self[start..<utf8.endIndex])
        return lines
    }
}

/// How mail clients mark quoted history.
enum QuoteMarkers {
    static func isQuoteLine(_ line: Substring) -> Bool {
        line.drop { $0 == " " }.first == ">"
    }

    /// A cheap pre-check on bytes: every marker line holds '>' or ':' (quotes, attributions,
    /// header blocks) or is a rule of '-', '_' or '=' (separators). Attributions wrapped over
    /// two lines carry the ':' on the second, so an "On"-like first line also qualifies.
    static func mayMark(_ line: Substring) -> Bool {
        Self.hasMarker(line) || Self.startsAttribution(line)
    }

    /// The bytes that every quote, attribution, header block or separator line holds.
    static let markerBytes: [UInt8] = Array(">:-_=".utf8)

    /// Whether `line` holds one of `markerBytes`.
    static func hasMarker(_ line: Substring) -> Bool {
        line.utf8.contains { Self.markerBytes.contains($0) }
    }

    /// `hasMarker` for every line of `body` (the lines `lineFeedLines` cut from it) at once: each
    /// marker byte found with `memchr`, a line at a time (a byte loop per line cost ~5
    /// instructions a byte). Nil when the text's bytes are not contiguous.
    static func linesWithMarkers(_ body: String, _ lines: [Substring]) -> [Bool]? {
        body.utf8.withContiguousStorageIfAvailable { bytes in
            var marked = [Bool](repeating: false, count: lines.count)
            guard let base = bytes.baseAddress else { return marked }
            // Where each line ends (its line feed, or the end of the text).
            var ends: [Int] = []
            ends.reserveCapacity(lines.count)
            var start = 0
            for line in lines {
                ends.append(start + line.utf8.count)
                start = ends[ends.count - 1] + 1
            }
            for marker in Self.markerBytes {
                var line = 0
                var from = 0
                while from < bytes.count, let found = memchr(base + from, Int32(marker), bytes.count - from) {
                    let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    while at >= ends[line] { line += 1 }
                    marked[line] = true
                    // Once a line is marked, its other markers do not matter: a hostile line of a
                    // million dashes costs one search.
                    from = ends[line] + 1
                }
            }
            return marked
        }
    }

    /// Whether `line` starts like an attribution ("On", "Am", "Le", "El", "Il", "Op", "Em",
    /// "Den", "W dniu", any case, after spaces, and tabs when `skippingTabs`), on bytes: a
    /// superset of the Characters' answer (`attributionLength` decides on Characters), without
    /// lower-casing a String a line.
    static func startsAttribution(_ line: Substring, skippingTabs: Bool = false) -> Bool {
        func starts<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
            guard let first = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") && !(skippingTabs && $0 == 0x09) }),
                "oaleidw".utf8.contains(bytes[first] | 0x20)
            else { return false }
            let rest = bytes[first...]
            return Self.attributionStartBytes.contains { start in
                rest.count >= start.count
                    && zip(rest, start).allSatisfy { byte, wanted in
                        wanted == 0x20 ? byte == 0x20 : byte | 0x20 == wanted
                    }
            }
        }
        return line.utf8.withContiguousStorageIfAvailable(starts) ?? starts(line.utf8)
    }

    private static let attributionStartBytes = Self.attributionStarts.map { Array($0.utf8) }

    /// `line` trimmed and lower-cased, looking only at its first `limit` characters.
    private static func head(_ line: Substring, limit: Int) -> String {
        String(line.drop { $0 == " " || $0 == "\t" }.prefix(limit)).lowercased()
    }

    /// The number of lines (1 or 2) of an attribution such as "On Mon, 3 Jun 2024, Jane
    /// <jane@example.com> wrote:", in several languages, at `index`; nil when there is none.
    static func attributionLength(_ lines: [Substring], at index: Int) -> Int? {
        // Most lines that get here hold a ':' or '-' and start with no attribution word: those are
        // let go on bytes (blanks skipped as `head` skips them) before a String is made.
        guard Self.startsAttribution(lines[index], skippingTabs: true),
            Self.attributionStarts.contains(where: Self.head(lines[index], limit: 8).hasPrefix)
        else { return nil }
        let line = lines[index].trimmingScalars(ScalarClass.whitespace).lowercased()
        if Self.endsAttribution(line) { return 1 }
        // Clients wrap long attributions: "On …, Jane Doe <\njane@example.com> wrote:".
        if index + 1 < lines.count {
            let next = lines[index + 1].trimmingScalars(ScalarClass.whitespace).lowercased()
            if next.count < 120, Self.endsAttribution(line + " " + next) { return 2 }
        }
        return nil
    }

    private static let attributionStarts = ["on ", "am ", "le ", "el ", "il ", "op ", "em ", "den ", "w dniu "]
    /// The verbs of attribution lines; German puts the writer after it ("schrieb Jane <…>:").
    private static let attributionVerbs = [
        "wrote", "writes", "schrieb", "a écrit", "escribió", "ha scritto", "schreef", "escreveu", "skrev",
        "napisał",
    ]

    private static func endsAttribution(_ line: String) -> Bool {
        line.count < 400 && line.hasSuffix(":") && Self.attributionVerbs.contains { line.contains($0) }
    }

    /// Separators after which everything is earlier or forwarded mail.
    static func isHistoryBoundary(_ lines: [Substring], at index: Int) -> Bool {
        // Every boundary starts with a rule ('-', '_', '='), "begin forwarded", or a From label
        // ("from:", "*from:*", "von:", "de:", "van:", "da:"): other lines (most lines holding a
        // ':' or '-' are prose) are let go without lower-casing them.
        guard let initial = lines[index].utf8.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }),
            "-_=*".utf8.contains(initial) || "bfvd".utf8.contains(initial | 0x20)
        else { return false }
        // Markers are short: only the first 80 characters of a line are ever looked at.
        let lower = Self.head(lines[index], limit: 80)
        if lower.hasPrefix("-") || lower.hasPrefix("_") || lower.hasPrefix("=") {
            let words = lower.trimmingScalars { "-_= ".unicodeScalars.contains($0) }
            if Self.separatorWords.contains(words) { return true }
        }
        if lower == "begin forwarded message:" { return true }
        // Outlook: an optional rule of underscores, then a "From:" header block with "Sent:" or
        // "Date:" and "To:" or "Subject:" right under it.
        var headerIndex = index
        if lower.count >= 10, lower.allSatisfy({ $0 == "_" }), index + 1 < lines.count {
            headerIndex = index + 1
        }
        let first = headerIndex == index ? lower : Self.head(lines[headerIndex], limit: 80)
        guard Self.fromLabels.contains(where: { first.hasPrefix($0) }) else { return false }
        let following = lines[(headerIndex + 1)..<min(lines.count, headerIndex + 6)]
            .map { Self.head($0, limit: 16) }
        let hasDate = following.contains { line in Self.dateLabels.contains { line.hasPrefix($0) } }
        let hasOther = following.contains { line in Self.otherLabels.contains { line.hasPrefix($0) } }
        return hasDate && hasOther
    }

    private static let separatorWords: Set<String> = [
        "original message", "original-message", "forwarded message", "forwarded-message",
        "ursprüngliche nachricht", "original-nachricht", "weitergeleitete nachricht", "message d'origine",
        "message transféré", "mensaje original", "mensaje reenviado", "messaggio originale",
        "messaggio inoltrato", "oorspronkelijk bericht", "doorgestuurd bericht", "mensagem original",
    ]
    private static let fromLabels = ["from:", "*from:*", "von:", "de :", "de:", "van:", "da:"]
    private static let dateLabels = ["sent:", "date:", "*sent:*", "gesendet:", "envoyé :", "envoyé:", "enviado:",
        "verzonden:", "inviato:", "datum:"]
    private static let otherLabels = ["to:", "subject:", "*to:*", "*subject:*", "an:", "betreff:", "à :", "objet :",
        "para:", "asunto:", "aan:", "onderwerp:", "a:", "oggetto:", "cc:"]
}

/// Closings and signatures at the end of the customer's words.
enum SignOff {
    /// Closing phrases that stand alone on their line ("Thanks,", "Best regards").
    static let closings: Set<String> = [
        "thanks", "thank you", "thanks a lot", "thanks so much", "thank you so much", "many thanks",
        "thanks in advance", "thank you in advance", "regards", "best regards", "kind regards", "warm regards",
        "best wishes", "best", "all the best", "cheers", "sincerely", "yours sincerely", "yours truly",
        "yours faithfully", "respectfully", "cordially", "take care", "with thanks", "thx", "ty",
        "mit freundlichen grüßen", "mit freundlichen grüssen", "viele grüße", "beste grüße", "liebe grüße",
        "gruß", "grüße", "danke", "vielen dank", "cordialement", "bien cordialement", "merci", "bien à vous",
        "saludos", "un saludo", "gracias", "muchas gracias", "atentamente", "cordiali saluti", "saluti",
        "grazie", "met vriendelijke groet", "groeten", "obrigado", "obrigada", "atenciosamente",
    ]
    /// Each starts with e, g, s or v (`isDeviceLine` relies on it; a test checks).
    static let deviceLines = [
        "sent from my", "get outlook for", "sent from outlook", "sent from yahoo mail", "sent from mail for",
        "envoyé de mon", "von meinem", "enviado desde mi",
    ]

    /// Whether `line` starts like a mail app's "Sent from my iPhone" (any case, after spaces).
    static func isDeviceLine(_ line: Substring) -> Bool {
        guard !line.isEmpty, line.utf8.count < 100 else { return false }
        // Most lines are prose: their first letter rules out every phrase without making a String
        // (this ran for every line of every message). The phrases start with e, g, s or v. (The
        // line's own bytes: stepping a Substring's UTF-8 view costs several times more.)
        func firstNonSpace<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt8? { bytes.first { $0 != UInt8(ascii: " ") } }
        guard let first = line.utf8.withContiguousStorageIfAvailable(firstNonSpace) ?? firstNonSpace(line.utf8)
        else { return false }
        switch first | 0x20 {
        case UInt8(ascii: "e"), UInt8(ascii: "g"), UInt8(ascii: "s"), UInt8(ascii: "v"): break
        default: return false
        }
        let lower = String(line.drop { $0 == " " }.prefix(24)).lowercased()
        return Self.deviceLines.contains { lower.hasPrefix($0) }
    }

    /// The closing phrase if `line` is nothing but one ("Thanks,", "Best regards!").
    static func closing(_ line: Substring) -> String? {
        // Every closing is short: longer lines (most of a message) need no trimming at all.
        guard line.utf8.count <= 80 else { return nil }
        // Nor do lines with more ASCII bytes than the longest closing that trimming cannot remove
        // (it removes only tabs, spaces and the punctuation below, and lower-casing keeps every
        // ASCII byte): most prose before a comma, for which `closingWithName` asks.
        func tooLong(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var kept = 0
            for byte in bytes where byte < 0x80 {
                switch byte {
                case 0x09, 0x20, UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "-"): continue
                default:
                    kept += 1
                    if kept > Self.longestClosing { return true }
                }
            }
            return false
        }
        if line.utf8.withContiguousStorageIfAvailable(tooLong) == true { return nil }
        return Self.trimmedClosing(line)
    }

    /// `closing` without its cheap checks (tests compare the two).
    static func trimmedClosing(_ line: Substring) -> String? {
        // ASCII lines (nearly all) on bytes: the Character walk below cost ~2.6 k instructions a
        // line, five lines a message or more. `ClosingLineTests` compares the two ways.
        if let stored = line.utf8.withContiguousStorageIfAvailable(Self.asciiTrimmedClosing), let answer = stored {
            return answer
        }
        return Self.trimmedClosingCharacters(line)
    }

    /// `trimmedClosingCharacters` for a line of ASCII bytes: the same two trims (spaces and
    /// tabs, then the punctuation around a closing) and lower-casing, on bytes. `.some(nil)` is
    /// "not a closing"; nil (the line is not ASCII) leaves it to the Character way.
    static func asciiTrimmedClosing(_ bytes: UnsafeBufferPointer<UInt8>) -> String?? {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        var lower = 0
        var upper = bytes.count
        // In ASCII, the Characters that are white space and not line breaks are the space and the
        // tab ("\r\n", "\r", VT and FF are line breaks); the punctuation set is ", . ! -" and
        // the space (its dashes – and — are not ASCII).
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func isPunctuation(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "!") || byte == UInt8(ascii: "-")
                || byte == 0x20
        }
        while lower < upper, isBlank(bytes[lower]) { lower += 1 }
        while upper > lower, isBlank(bytes[upper - 1]) { upper -= 1 }
        while lower < upper, isPunctuation(bytes[lower]) { lower += 1 }
        while upper > lower, isPunctuation(bytes[upper - 1]) { upper -= 1 }
        // A "\r\n" pair is one Character, a line break, which neither trim removes; the bytes
        // between the trims still hold it whole, so nothing differs. Longer than every closing:
        // no String to make.
        guard upper - lower <= Self.longestClosing else { return .some(nil) }
        let words = ASCIIWords.lowercased(bytes, lower..<upper)
        return .some(Self.closings.contains(words) ? words : nil)
    }

    /// `trimmedClosing` on Characters, for any text.
    static func trimmedClosingCharacters(_ line: Substring) -> String? {
        // Trimmed natively (Foundation's `trimmingCharacters` goes through NSString: it was the
        // largest cost of parsing): whitespace, then the punctuation around a closing.
        let trimmed = Self.trim(line) { $0 == "\t" || ($0.isWhitespace && !$0.isNewline) }
        let words = Self.trim(trimmed) { Self.closingPunctuation.contains($0) }.lowercased()
        return Self.closings.contains(words) ? words : nil
    }

    private static let closingPunctuation: Set<Character> = [",", ".", "!", "-", "–", "—", " "]
    /// The longest closing, in UTF-8 bytes.
    static let longestClosing = Self.closings.map(\.utf8.count).max() ?? 0

    /// `text` without the characters at either end for which `drop` holds.
    static func trim(_ text: Substring, _ drop: (Character) -> Bool) -> Substring {
        guard let first = text.firstIndex(where: { !drop($0) }), let last = text.lastIndex(where: { !drop($0) }) else {
            return text[text.endIndex...]
        }
        return text[first...last]
    }

    /// The name in a one-line sign-off such as "Thanks, Jane" or "Cheers - Jane Doe": a closing,
    /// then one or two capitalised words. Nil for "Thanks, I got it".
    static func closingWithName(_ line: Substring) -> String? {
        // The separator ends a closing, and every closing is at most 80 bytes: look for it in the
        // line's first bytes only (most lines are prose, and walking their Characters was costly).
        func separatorOffset<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int? {
            var offset = 0
            var index = bytes.startIndex
            while offset <= 81, index != bytes.endIndex {
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "-") { return offset }
                if byte == 0xE2, bytes[index...].starts(with: [0xE2, 0x80, 0x93]) { return offset }  // – (en dash)
                index = bytes.index(after: index)
                offset += 1
            }
            return nil
        }
        // A plain buffer where the text is native (always, for parsed mail): walking a Substring's
        // UTF-8 view byte by byte costs several times more.
        guard let offset = line.utf8.withContiguousStorageIfAvailable(separatorOffset) ?? separatorOffset(line.utf8)
        else { return nil }
        let separator = line.utf8.index(line.utf8.startIndex, offsetBy: offset)
        guard Self.closing(line[..<separator]) != nil else { return nil }
        let name = line[line.index(after: separator)...].trimmingScalars { " -–!.".unicodeScalars.contains($0) }
        let words = name.split(separator: " ")
        guard (1...2).contains(words.count), words.allSatisfy({ $0.first?.isUppercase == true }),
            words.allSatisfy({ $0.allSatisfy { $0.isLetter || $0 == "-" || $0 == "'" } })
        else { return nil }
        return name
    }

    /// Whether `line` closes the message: a bare closing or a closing with a name.
    static func isClosing(_ line: Substring) -> Bool {
        Self.closing(line) != nil || Self.closingWithName(line) != nil
    }

    /// The index in `lines` where the sign-off or signature begins, or nil.
    static func signatureStart(in lines: [Substring]) -> Int? {
        // The RFC 3676 delimiter "-- " (and the "--" that clients leave after trimming).
        // (On bytes: comparing each short line, blank ones included, as Strings cost more.)
        if let delimiter = lines.firstIndex(where: { line in
            line.utf8.count >= 2 && line.utf8.count <= 3 && line.utf8.starts(with: "--".utf8)
                && (line.utf8.count == 2 || line.utf8.last == 0x20)
        }) {
            return delimiter
        }
        if let device = lines.firstIndex(where: Self.isDeviceLine) {
            return Self.closingAbove(device, in: lines) ?? device
        }
        // A closing line followed by at most five short lines (name, title, company, phone).
        var content: [Int] = []
        var cursor = lines.count - 1
        while cursor >= 0, content.count < 6 {
            if !lines[cursor].allSatisfy(\.isWhitespace) { content.insert(cursor, at: 0) }
            cursor -= 1
        }
        for index in content where Self.isClosing(lines[index]) {
            let after = content.filter { $0 > index }
            // (A Character is at least a byte: short lines need no Character count.)
            if after.count <= 5, after.allSatisfy({ lines[$0].utf8.count <= 60 || lines[$0].count <= 60 }) {
                return index
            }
        }
        return nil
    }

    /// The index of a last line that is only the sender's name or first name, after other words.
    static func bareName(in lines: [Substring], senderName: String?) -> Int? {
        guard let senderName, !senderName.isEmpty,
            let last = lines.lastIndex(where: { !$0.allSatisfy(\.isWhitespace) }), last > 0
        else { return nil }
        let name = senderName.lowercased()
        let trimmed = lines[last].trimmingScalars { " \t-–—~.,!".unicodeScalars.contains($0) }
        // Every string the line may equal is at most as long as `name`, in bytes; lower-casing
        // turns a scalar (at most 4 bytes) into at least one byte, so a trimmed line of more than
        // 4 bytes for each of the name's cannot match: most last lines are prose, and lower-casing
        // them was most of this check's cost.
        guard trimmed.utf8.count <= 4 * name.utf8.count else { return nil }
        let line = trimmed.lowercased()
        guard !line.isEmpty, line.count <= 60 else { return nil }
        let words = name.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        guard line == name || words.contains(line) || words.reversed().joined(separator: " ") == line else {
            return nil
        }
        return last
    }

    /// A closing line right above `index` (ignoring blank lines), so "Thanks,\n\nSent from my
    /// iPhone" is all signature.
    private static func closingAbove(_ index: Int, in lines: [Substring]) -> Int? {
        var cursor = index - 1
        while cursor >= 0, lines[cursor].allSatisfy(\.isWhitespace) { cursor -= 1 }
        guard cursor >= 0 else { return nil }
        if Self.isClosing(lines[cursor]) { return cursor }
        // "Thanks,\nJane\n\nSent from my iPhone": a name under the closing.
        if cursor >= 1, Self.closing(lines[cursor - 1]) != nil, lines[cursor].count <= 40 { return cursor - 1 }
        return nil
    }
}

extension MessageText {
    /// What the classifier should read: the customer's own words, or, when the split left none (a
    /// reply of only "Thank you!" above the quote looks like a sign-off), the signature block.
    public var wordsToClassify: String {
        self.ownWords.allSatisfy(\.isWhitespace) ? self.signature : self.ownWords
    }
}

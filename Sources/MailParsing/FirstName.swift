import Foundation

extension InboundMessage {
    /// The customer's first name for a greeting, or nil: from the From display name, else from
    /// a sign-off in the text ("Thanks,\nJane"). Anything doubtful gives nil, since greeting a
    /// customer by a wrong name is worse than greeting them by none.
    public var firstName: String? {
        FirstName.guess(displayName: self.from?.name, address: self.from?.address ?? "", text: self.text)
    }
}

/// Finds a first name in display names and sign-offs.
public enum FirstName {
    /// The first name, or nil. See ``InboundMessage/firstName``.
    public static func guess(displayName: String?, address: String, text: MessageText) -> String? {
        let signedAs = Self.fromSignOff(text.signature, address: address)
        if let displayName, let name = Self.fromDisplayName(displayName, address: address) {
            // A signature that is one word alone ("An") counts here too: it is only used when it
            // is a word of the sender's own display name.
            let lines = text.signature.split(whereSeparator: \.isNewline).map { $0.trimmingScalars(ScalarClass.whitespace) }
                .filter { !$0.isEmpty }
            let loneWord = lines.count == 1 && !lines[0].contains(" ") && lines[0].allSatisfy(\.isLetter) ? lines[0] : nil
            let signedAs = signedAs ?? loneWord
            // "Nguyen Van An" signing "An": where the family name comes first, the display name's
            // first word is not the first name. A one-word sign-off that is another word of the
            // display name is how the customer calls themself, and wins.
            if let signedAs, signedAs.lowercased() != name.lowercased(),
                displayName.split(whereSeparator: { $0 == " " || $0 == "," }).dropFirst()
                    .contains(where: { $0.lowercased() == signedAs.lowercased() })
            {
                return signedAs
            }
            return name
        }
        return signedAs
    }

    /// "Jane Doe", "Doe, Jane", "Dr. Jane Doe", "JANE DOE" → "Jane"; role, company and address
    /// names → nil.
    public static func fromDisplayName(_ displayName: String, address: String) -> String? {
        Self.fromDisplayName(
            displayName, address: address,
            bytewise: displayName.utf8.allSatisfy { $0 < 0x80 } && address.utf8.allSatisfy { $0 < 0x80 })
    }

    /// `bytewise` (for ASCII names and addresses, nearly all of them) does the same steps on bytes
    /// instead of Characters: in ASCII a Character's letters, digits, case and the separators here
    /// are those of its bytes, so the answer is the same (`FirstNameTests` compares both ways),
    /// without a grapheme walk per step (this was about a tenth of preparing a message).
    static func fromDisplayName(_ displayName: String, address: String, bytewise: Bool) -> String? {
        var name = displayName.trimmingScalars { "\"' \t".unicodeScalars.contains($0) }
        let hasDigit = bytewise
            ? name.utf8.contains { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } : name.contains(where: { $0.isNumber })
        guard !name.isEmpty, !name.utf8.contains(UInt8(ascii: "@")), !hasDigit else { return nil }
        // "Doe, Jane" (family name first, as Outlook directories write it).
        let commaParts = bytewise
            ? ASCIIWords.split(name) { $0 == UInt8(ascii: ",") }
            : name.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        if commaParts.count == 2 {
            name = commaParts[1].trimmingScalars(ScalarClass.whitespace)
        } else if commaParts.count > 2 {
            return nil
        }
        // A trailing "(Acme)" or "via Service" names a company or a relay, not the person.
        // (An ASCII name is searched on bytes: the same index, without a grapheme walk.)
        if let paren = bytewise ? name.utf8.firstIndex(of: UInt8(ascii: "(")) : name.firstIndex(of: "(") {
            name = String(name[..<paren])
        }
        if let via = Self.via(in: name) { name = String(name[..<via]) }
        let words = bytewise
            ? ASCIIWords.split(name) { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            : name.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty, words.count <= 5 else { return nil }
        if words.contains(where: { Self.nonPersonWords.contains(Self.folded($0)) }) { return nil }
        let parts = AddressParts(address, bytewise: bytewise)
        // "Blue Bottle Coffee" <hello@bluebottlecoffee.com>: a name spelled out in the domain is a
        // brand (or a personal domain, where no name is the safe answer).
        if words.count >= 2, let domain = parts.domainLetters {
            if bytewise {
                let joined = ASCIIWords.lowercasedLetters(words.joined())
                if joined.count >= 6, ASCIIWords.contains(domain, joined) { return nil }
            } else {
                let joined = words.joined().lowercased().filter(\.isLetter)
                if joined.count >= 6, domain.contains(joined) { return nil }
            }
        }
        let personal = words.drop { Self.titles.contains(Self.folded($0)) }
        guard let first = personal.first else { return nil }
        return Self.acceptedName(first, address: parts, wordCount: personal.count, bytewise: bytewise)
    }

    /// Where " via " (any case) starts in `name`, or nil. ASCII names (most) are searched on
    /// bytes; others through Foundation's case-insensitive search, as before.
    static func via(in name: String) -> String.Index? {
        guard name.utf8.contains(where: { $0 | 0x20 == UInt8(ascii: "v") }) else { return nil }
        guard name.utf8.allSatisfy({ $0 < 0x80 }) else {
            return name.range(of: " via ", options: .caseInsensitive)?.lowerBound
        }
        let bytes = Array(name.utf8)
        guard bytes.count >= 5 else { return nil }
        for start in 0...(bytes.count - 5)
        where bytes[start] == 0x20 && bytes[start + 1] | 0x20 == UInt8(ascii: "v")
            && bytes[start + 2] | 0x20 == UInt8(ascii: "i") && bytes[start + 3] | 0x20 == UInt8(ascii: "a")
            && bytes[start + 4] == 0x20
        {
            return name.utf8.index(name.utf8.startIndex, offsetBy: start)
        }
        return nil
    }

    /// The name under a closing ("Thanks,\nJane", "Best regards,\nJane Doe") or under a `-- `
    /// delimiter, in the signature block.
    public static func fromSignOff(_ signature: String, address: String) -> String? {
        let lines = Self.firstLines(of: signature)
        guard let first = lines.first else { return nil }
        let nameLine: String?
        if let name = SignOff.closingWithName(Substring(first)) {
            nameLine = name
        } else if SignOff.closing(Substring(first)) != nil || first == "--" {
            nameLine = lines.dropFirst().first
        } else {
            nameLine = nil
        }
        guard var line = nameLine else { return nil }
        // "- Jane", "~Jane", "Jane :)"
        line = line.trimmingScalars { "-–—~ ".unicodeScalars.contains($0) }
        if line.hasSuffix(":)") { line = line.dropLast(2).trimmingScalars(ScalarClass.whitespace) }
        let words = line.split(separator: " ").map(String.init)
        guard (1...3).contains(words.count) else { return nil }
        return Self.fromDisplayName(line, address: address)
    }

    /// The first two lines of `signature` with something on them, trimmed: all the sign-off
    /// reads. Found line by line (splitting the whole signature into `Character`s cost more than
    /// the rest of the guess); with a CR anywhere, by `Character`s, where CR LF is one.
    static func firstLines(of signature: String) -> [String] {
        var lines: [String] = []
        guard !signature.utf8.contains(0x0D) else {
            for line in signature.split(separator: "\n") where lines.count < 2 {
                let trimmed = line.trimmingScalars(ScalarClass.whitespace)
                if !trimmed.isEmpty { lines.append(trimmed) }
            }
            return lines
        }
        // Without a CR, a "\n" `Character` is exactly a line feed byte.
        var rest = signature[...]
        while lines.count < 2, !rest.isEmpty {
            let end = rest.utf8.firstIndex(of: 0x0A) ?? rest.endIndex
            let trimmed = rest[..<end].trimmingScalars(ScalarClass.whitespace)
            if !trimmed.isEmpty { lines.append(trimmed) }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.utf8.index(after: end)...]
        }
        return lines
    }

    private static func acceptedName(_ word: String, address: AddressParts, wordCount: Int, bytewise: Bool) -> String? {
        let trimmed = word.trimmingScalars { ".,;:!?".unicodeScalars.contains($0) }
        if bytewise { return Self.acceptedASCIIName(trimmed, address: address, wordCount: wordCount) }
        guard trimmed.count >= 2, trimmed.count <= 30 else { return nil }
        // Letters from alphabetic scripts only (plus inner hyphen or apostrophe); an initial
        // ("J.") is not a name, and CJK names put the family name first without spaces.
        guard trimmed.unicodeScalars.allSatisfy({ scalar in
            (scalar.properties.isAlphabetic && !scalar.properties.isIdeographic
                && !Self.isKana(scalar)) || scalar == "-" || scalar == "'" || scalar == "’"
        }) else { return nil }
        guard let initial = trimmed.first, initial.isLetter, trimmed.last?.isLetter == true else { return nil }
        let local = address.local
        let domainLabel = address.domainLabel
        let lower = Self.folded(trimmed)
        let letters = trimmed.filter(\.isLetter)
        let isAllUpper = letters == letters.uppercased()
        let isAllLower = letters == letters.lowercased()
        // The company's domain ("Acme <info@acme.com>"), or the address's user name repeated
        // ("JDOE <jdoe@…>"); "Jane <jane@…>", written as a name, is a name.
        if wordCount == 1, lower == Self.folded(domainLabel) { return nil }
        if wordCount == 1, lower == Self.folded(local), isAllUpper || isAllLower { return nil }
        if Self.nonPersonWords.contains(lower) || Self.titles.contains(lower) { return nil }
        if wordCount == 1, isAllLower { return nil }  // a user name such as "jdoe", not a name
        guard isAllUpper || isAllLower || initial.isUppercase else { return nil }
        if isAllUpper || isAllLower { return Self.capitalized(trimmed) }
        return trimmed
    }

    /// `acceptedName`'s checks for an ASCII word, on its bytes: an ASCII scalar is alphabetic (and
    /// a Character a letter) exactly when it is A–Z or a–z, none is ideographic or kana, and case
    /// is that of its byte (the Unicode property look-ups were most of the cost of a name).
    private static func acceptedASCIIName(_ trimmed: String, address: AddressParts, wordCount: Int) -> String? {
        let bytes = Array(trimmed.utf8)
        func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
        func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
        // Letters, "-" and "'" only, so every Character is one byte and the count is the bytes'.
        guard bytes.count >= 2, bytes.count <= 30,
            bytes.allSatisfy({ isUpper($0) || isLower($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "'") }),
            let initial = bytes.first, isUpper(initial) || isLower(initial), let last = bytes.last, isUpper(last) || isLower(last)
        else { return nil }
        // First and last bytes are letters: folding only lower-cases.
        let lower = ASCIIWords.lowercased(trimmed)
        let isAllUpper = !bytes.contains(where: isLower)
        let isAllLower = !bytes.contains(where: isUpper)
        if wordCount == 1, lower == Self.folded(address.domainLabel) { return nil }
        if wordCount == 1, lower == Self.folded(address.local), isAllUpper || isAllLower { return nil }
        if Self.nonPersonWords.contains(lower) || Self.titles.contains(lower) { return nil }
        if wordCount == 1, isAllLower { return nil }  // a user name such as "jdoe", not a name
        guard isAllUpper || isAllLower || isUpper(initial) else { return nil }
        if isAllUpper || isAllLower { return Self.capitalized(trimmed) }
        return trimmed
    }

    /// "JEAN-PIERRE" → "Jean-Pierre", "o'neil" → "O'Neil": each part capitalised, accents kept.
    private static func capitalized(_ word: String) -> String {
        var result = ""
        var startOfPart = true
        for character in word {
            result += startOfPart ? character.uppercased() : character.lowercased()
            startOfPart = character == "-" || character == "'" || character == "’"
        }
        return result
    }

    private static func isKana(_ scalar: Unicode.Scalar) -> Bool {
        (0x3040...0x30FF).contains(scalar.value) || (0xAC00...0xD7AF).contains(scalar.value)
    }

    /// Lower-cased with trailing punctuation removed, for comparing with the word lists.
    private static func folded(_ word: String) -> String {
        word.lowercased().trimmingScalars { ".,;:!?\"'".unicodeScalars.contains($0) }
    }

    private static let titles: Set<String> = [
        "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "sir", "dame", "rev", "fr", "herr", "frau", "mme", "mlle",
        "m", "sr", "sra", "srta", "sig", "sig.ra", "dott", "ing", "mag", "dipl",
    ]

    /// Words that mark a role, team, system or company rather than a person.
    private static let nonPersonWords: Set<String> = [
        "info", "information", "support", "sales", "admin", "administrator", "noreply", "no-reply", "donotreply",
        "team", "customer", "customers", "service", "services", "billing", "accounts", "accounting", "office",
        "help", "helpdesk", "desk", "contact", "enquiries", "inquiries", "hr", "marketing", "newsletter", "news",
        "orders", "order", "shop", "store", "the", "inc", "ltd", "llc", "gmbh", "ag", "corp", "co", "company",
        "group", "bakery", "restaurant", "hotel", "cafe", "café", "bank", "mailer-daemon", "postmaster", "webmaster",
        "notifications", "notification", "alerts", "system", "daemon", "bot", "robot", "mail", "reception",
        "department", "dept", "agency", "studio", "solutions", "systems", "technologies", "limited", "foundation",
        "university", "school", "association", "club", "online", "und", "and", "&", "of",
        "unknown", "user", "owner", "manager", "director", "operations", "payments", "invoices", "legal",
        "security", "feedback", "hello", "hi", "careers", "jobs", "press", "media", "partners",
        "coffee", "market", "pizza", "travel", "consulting", "design", "labs", "tech", "software", "digital",
        "clinic", "dental", "pharmacy", "insurance", "realty", "properties", "motors", "garage", "florist",
        "flowers", "books", "kitchen", "bar", "pub", "grill", "salon", "spa", "fitness", "gym", "academy",
        "institute", "college", "church", "council", "hospital", "care", "express", "delivery", "logistics",
        "shipping", "rentals", "boutique", "gallery", "events", "magazine", "newsletters", "updates", "digest",
    ]
}

/// What first-name guessing reads of the sender's address, lower-cased: the local part, the first
/// label of the domain, and the domain's letters. Split on bytes for ASCII addresses; otherwise on
/// Characters, as `split(separator: "@")` (which omits empty pieces) always did.
struct AddressParts {
    var local: String
    var domainLabel: String
    var domainLetters: String?

    init(_ address: String, bytewise: Bool) {
        if bytewise {
            // One pass over the bytes, no intermediate pieces (splitting into Strings and
            // lower-casing each was ~9 k instructions an address, a display name being read).
            var address = address
            (self.local, self.domainLabel, self.domainLetters) = address.withUTF8 { bytes in
                let at = UInt8(ascii: "@")
                let local = ASCIIWords.nonEmptyPieces(bytes, separator: at, upTo: 2)
                guard let first = local.first else { return ("", "", nil) }
                let localPart = ASCIIWords.lowercased(bytes, first)
                guard local.count == 2 else { return (localPart, "", nil) }
                let domain = local[1]
                let label = ASCIIWords.nonEmptyPieces(
                    UnsafeBufferPointer(rebasing: bytes[domain]), separator: UInt8(ascii: "."), upTo: 1
                ).first.map { ASCIIWords.lowercased(bytes, ($0.lowerBound + domain.lowerBound)..<($0.upperBound + domain.lowerBound)) }
                return (localPart, label ?? "", ASCIIWords.lowercasedLetters(bytes, domain))
            }
        } else {
            let pieces = address.split(separator: "@")
            self.local = pieces.first.map { String($0).lowercased() } ?? ""
            let domain = pieces.dropFirst().first
            self.domainLabel = domain?.split(separator: ".").first.map { String($0).lowercased() } ?? ""
            self.domainLetters = domain.map { $0.lowercased().filter(\.isLetter) }
        }
    }
}

/// Byte-level forms of the String operations above, for ASCII text only.
enum ASCIIWords {
    /// The non-empty pieces between separator bytes, as `split(whereSeparator:)` gives them.
    static func split(_ text: String, where isSeparator: (UInt8) -> Bool) -> [String] {
        var pieces: [String] = []
        var piece: [UInt8] = []
        for byte in text.utf8 {
            if isSeparator(byte) {
                if !piece.isEmpty { pieces.append(String(decoding: piece, as: UTF8.self)) }
                piece.removeAll(keepingCapacity: true)
            } else {
                piece.append(byte)
            }
        }
        if !piece.isEmpty { pieces.append(String(decoding: piece, as: UTF8.self)) }
        return pieces
    }

    /// The first `limit` non-empty ranges between `separator` bytes, as `split` gives them.
    static func nonEmptyPieces(_ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8, upTo limit: Int) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == separator {
            if index > start {
                pieces.append(start..<index)
                if pieces.count == limit { break }
            }
            start = index + 1
        }
        return pieces
    }

    /// The bytes of `range`, ASCII upper case lowered, as a String.
    static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            for (offset, byte) in bytes[range].enumerated() {
                buffer[offset] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            return range.count
        }
    }

    /// The ASCII letters of `range`, lower-cased, as a String.
    static func lowercasedLetters(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            var count = 0
            for byte in bytes[range] where (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") {
                buffer[count] = byte | 0x20
                count += 1
            }
            return count
        }
    }

    static func lowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The letters only, lower-cased (`lowercased().filter(\.isLetter)`).
    static func lowercasedLetters(_ text: String) -> String {
        var letters: [UInt8] = []
        for byte in text.utf8 where (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") {
            letters.append(byte | 0x20)
        }
        return String(decoding: letters, as: UTF8.self)
    }

    /// Whether `needle`'s bytes occur in `haystack`'s.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(haystack.utf8)
        let n = Array(needle.utf8)
        guard !n.isEmpty else { return true }
        guard n.count <= h.count else { return false }
        for start in 0...(h.count - n.count) where h[start] == n[0] && h[start..<(start + n.count)].elementsEqual(n) {
            return true
        }
        return false
    }
}

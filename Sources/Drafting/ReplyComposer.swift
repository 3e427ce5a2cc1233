import Foundation
import MailParsing

/// A mailbox: an optional display name and an address.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public let name: String?
    public let address: String

    /// - Throws: `ReplyError` when `address` is not a plain `local@domain` (no spaces, controls,
    ///   brackets, quotes or commas): such a value could smuggle extra recipients or headers.
    public init(name: String?, address: String) throws(ReplyError) {
        let trimmed = address.trimmingScalars(ScalarClass.whitespace)
        guard Self.isPlainAddress(trimmed) else {
            throw ReplyError("\"\(ReplyComposer.sanitize(address))\" is not a usable mail address: expected local@domain")
        }
        self.address = trimmed
        let cleaned = name.map(ReplyComposer.sanitize)?.trimmingScalars(ScalarClass.whitespace)
        self.name = (cleaned?.isEmpty ?? true) ? nil : cleaned
    }

    static func isPlainAddress(_ address: String) -> Bool {
        // Every reply's two addresses: an ASCII address (nearly all) is checked on its bytes, where
        // Foundation's `contains` and `hasPrefix` went through CFString for each dot rule.
        guard address.utf8.allSatisfy({ $0 < 0x80 }) else { return Self.isPlainAddressComparingCharacters(address) }
        var at: Int?
        var previous: UInt8 = 0
        for (offset, byte) in address.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
                UInt8(ascii: "]"), UInt8(ascii: "\\"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"),
                UInt8(ascii: "\""):
                return false
            case UInt8(ascii: "@"):
                guard at == nil else { return false }
                at = offset
            case UInt8(ascii: "."):
                // No dot first in the domain, and never two in a row there.
                if let at, offset == at + 1 || previous == UInt8(ascii: ".") { return false }
            default:
                guard byte > 0x20, byte != 0x7F else { return false }
            }
            previous = byte
        }
        guard let at, at > 0, address.utf8.count <= 254, previous != UInt8(ascii: ".") else { return false }
        return address.utf8.dropFirst(at + 1).contains(UInt8(ascii: "."))
    }

    /// `isPlainAddress` by splitting Characters and Foundation's searches (for non-ASCII addresses,
    /// and as the reference the byte way is tested against).
    static func isPlainAddressComparingCharacters(_ address: String) -> Bool {
        let parts = AddressText.parts(address, at: "@", omittingEmpty: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), address.utf8.count <= 254 else { return false }
        // Controls, space, DEL and the specials that could start another address or a header.
        return address.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "<", ">", "(", ")", "[", "]", "\\", ",", ";", ":", "\"": return false
            default: return scalar.value > 0x20 && scalar.value != 0x7F
            }
        }
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !parts[1].contains("..")
    }

    public var description: String { self.name.map { "\($0) <\(self.address)>" } ?? self.address }
}

public struct ReplyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The incoming message's addressing, as far as choosing the reply's recipient needs it.
public struct IncomingAddressing: Sendable {
    public var from: MailAddress?
    public var replyTo: [MailAddress]
    public var returnPath: String?
    public var messageID: String?
    public var references: [String]

    public init(from: MailAddress?, replyTo: [MailAddress], returnPath: String?, messageID: String?, references: [String]) {
        self.from = from
        self.replyTo = replyTo
        self.returnPath = returnPath
        self.messageID = messageID
        self.references = references
    }
}

/// Builds the complete reply message (RFC 5322, CRLF line ends) from a rendered draft.
///
/// Who the reply goes to (RFC 3834 §4): the Return-Path is where delivery problems and
/// vacation-style notices go; it is often a bounce-handling or VERP address that no person reads.
/// Tact's acknowledgement is neither: a person approves it, and it is written to the customer to be
/// read and answered. So it goes where the customer asked replies to go, the Reply-To, and
/// otherwise to the From address, as a person replying from a mail client would. The Return-Path
/// still decides *whether* we answer: mail with a null Return-Path (`<>`) is machine mail and is
/// suppressed before drafting (Triage).
public enum ReplyComposer {
    /// The reply's recipient: the first Reply-To address, else From.
    public static func recipient(for incoming: IncomingAddressing) throws(ReplyError) -> MailAddress {
        if let replyTo = incoming.replyTo.first { return replyTo }
        if let from = incoming.from { return from }
        throw ReplyError("the message has neither Reply-To nor From: there is nobody to reply to")
    }

    /// The complete message.
    public static func compose(
        from: MailAddress, to: MailAddress, subject: String, body: String, incoming: IncomingAddressing,
        messageID: String, date: Date
    ) -> Data {
        self.composeReply(from: from, to: to, subject: subject, body: body, incoming: incoming, messageID: messageID, date: date)
            .data
    }

    /// A composed reply: its header fields as a person reads them (not encoded), and the bytes.
    public struct ComposedReply: Sendable {
        public let fields: [(name: String, value: String)]
        public let data: Data
    }

    public static func composeReply(
        from: MailAddress, to: MailAddress, subject: String, body: String, incoming: IncomingAddressing,
        messageID: String, date: Date
    ) -> ComposedReply {
        let cleanSubject = self.sanitize(subject).trimmingScalars(ScalarClass.whitespace)
        var readable: [(name: String, value: String)] = [("From", from.description), ("To", to.description), ("Subject", cleanSubject)]
        var headers: [(String, String)] = [
            ("From", self.encodeAddress(from)),
            ("To", self.encodeAddress(to)),
            ("Subject", self.encodeText(cleanSubject)),
            ("Date", self.rfc5322Date(date)),
            ("Message-ID", messageID),
        ]
        let parent = incoming.messageID.flatMap(self.validMessageID)
        if let parent {
            headers.append(("In-Reply-To", parent))
            // References: the parent's references, then the parent (RFC 5322 §3.6.4), bounded in size.
            let chain = (incoming.references.compactMap(self.validMessageID) + [parent]).suffix(20)
            headers.append(("References", chain.joined(separator: " ")))
        }
        headers += [
            ("Auto-Submitted", "auto-replied"),
            ("X-Auto-Response-Suppress", "All"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
        ]
        let normalized = self.normalizeLineEnds(body)
        let needsEncoding = self.needsEncoding(normalized)
        headers.append(("Content-Transfer-Encoding", needsEncoding ? "quoted-printable" : "7bit"))
        // The message's bytes written once, in one buffer (joining Strings, then converting the
        // whole to Data, copied the reply three times).
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024 + normalized.utf8.count + normalized.utf8.count / 16)
        for (index, header) in headers.enumerated() {
            if index > 0 {
                bytes.append(13)
                bytes.append(10)
            }
            bytes += self.fold("\(header.0): \(header.1)").utf8
        }
        bytes.append(contentsOf: "\r\n\r\n".utf8)
        if needsEncoding {
            bytes += self.quotedPrintable(normalized).utf8
        } else {
            var normalized = normalized
            normalized.withUTF8 { body in
                // Line by line, each found with memchr (appending byte by byte cost ~20
                // instructions a byte).
                guard let base = body.baseAddress else { return }
                var start = 0
                while start < body.count, let found = memchr(base + start, 10, body.count - start) {
                    let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: body[start..<at]))
                    bytes.append(13)
                    bytes.append(10)
                    start = at + 1
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: body[start...]))
            }
        }
        readable += headers.dropFirst(3).map { ($0.0, $0.1) }
        return ComposedReply(fields: readable, data: Data(bytes))
    }

    /// A new Message-ID in the mailbox's own domain.
    public static func newMessageID(domainOf address: String) -> String {
        let domain = AddressText.parts(address, at: "@").last.map(String.init) ?? "tact.invalid"
        // 128 random bits in the UUID's lower-case form, written directly: `UUID().uuidString`
        // and lower-casing it cost more than the rest of the header.
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = Array("<tact.".utf8)
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append(UInt8(ascii: "-")) }
            let word = index < 16 ? high : low
            text.append(hex[Int((word >> UInt64(60 - (index % 16) * 4)) & 0xF)])
        }
        return String(decoding: text, as: UTF8.self) + "@\(domain)>"
    }

    // MARK: - Header safety

    /// Replaces every control character (CR and LF among them), DEL, C1 controls and Unicode line
    /// separators with a space: no value from outside can start a new header line.
    public static func sanitize(_ value: String) -> String {
        // Most values have nothing to replace: checked on bytes first (every replaced scalar is a
        // control byte, DEL, or starts with 0xC2 (C1 controls) or 0xE2 (U+2028, U+2029)).
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.map { scalar in
            let v = scalar.value
            return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 ? " " : scalar
        }))
    }

    /// `<local@domain>`, trimmed of spaces and tabs, printable ASCII only, or nil. On bytes: it
    /// runs for every reference of every message.
    static func validMessageID(_ id: String) -> String? {
        let bytes = Array(id.utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard end - start >= 2, end - start <= 998, bytes[start] == UInt8(ascii: "<"), bytes[end - 1] == UInt8(ascii: ">")
        else { return nil }
        var at = false
        for index in start + 1..<end - 1 {
            let byte = bytes[index]
            guard byte > 0x20, byte < 0x7F, byte != UInt8(ascii: "<"), byte != UInt8(ascii: ">") else { return nil }
            if byte == UInt8(ascii: "@") { at = true }
        }
        guard at else { return nil }
        return start == 0 && end == bytes.count ? id : String(decoding: bytes[start..<end], as: UTF8.self)
    }

    // MARK: - Encoding

    static func encodeAddress(_ address: MailAddress) -> String {
        guard let name = address.name else { return address.address }
        if Self.isPlainASCII(name) {
            let escaped = name.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") })
                ? name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") : name
            return "\"\(escaped)\" <\(address.address)>"
        }
        return "\(self.encodedWords(name)) <\(address.address)>"
    }

    /// ASCII without "=?" (which would read as the start of an encoded word), checked on bytes:
    /// Foundation's `contains` went through CFString for every reply's names and subject.
    static func isPlainASCII(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte >= 0x80 || (previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?")) { return false }
            previous = byte
        }
        return true
    }

    /// Unstructured text (a subject): as is when printable ASCII, else RFC 2047 encoded words.
    static func encodeText(_ text: String) -> String {
        if Self.isPlainASCII(text) { return text }
        return self.encodedWords(text)
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters, split between characters, never inside one.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        // 36 bytes → 48 base64 characters + 12 of framing = 60, so "Subject: " or "To: " plus one word
        // stays within RFC 2047's 76-character line limit.
        let maxBytes = 36
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > maxBytes, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes.prefix(maxBytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: " ")
    }

    /// Folds a header line longer than 78 characters at spaces (RFC 5322 §2.2.3).
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 78 else { return line }
        var lines: [String] = []
        // The field name stays with its first word: a fold right after "Subject:" would add a space.
        var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if words.count > 1 { words.replaceSubrange(0...1, with: [words[0] + " " + words[1]]) }
        var current = ""
        for word in words {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if candidate.utf8.count > 78 && !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n ")
    }

    static func normalizeLineEnds(_ body: String) -> String {
        let unix = MailParser.unixLineEnds(body)
        return unix.utf8.last == 10 ? unix : unix + "\n"
    }

    /// Whether a body (LF line ends) must be quoted-printable: a byte outside printable ASCII
    /// other than LF and tab, or a line over SMTP's 998 bytes. One pass over the bytes.
    static func needsEncoding(_ text: String) -> Bool {
        var text = text
        // The String's own contiguous bytes: its UTF-8 view's iterator cost ~6 instructions a byte.
        return text.withUTF8 { bytes in
            var length = 0
            for byte in bytes {
                if byte == 10 {
                    length = 0
                    continue
                }
                if byte > 0x7E || (byte < 0x20 && byte != 9) { return true }
                length += 1
                if length > 998 { return true }
            }
            return false
        }
    }

    /// Quoted-printable (RFC 2045 §6.7) with CRLF line ends and soft breaks at 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 4)
        for (index, line) in text.lineFeedLines().enumerated() {
            if index > 0 { output += [13, 10] }
            let bytes = Array(line.utf8)
            var length = 0
            for (position, byte) in bytes.enumerated() {
                let isLast = position == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast)
                let width = literal ? 1 : 3
                if length + width > 75 {
                    output += [61, 13, 10]
                    length = 0
                }
                if literal {
                    output.append(byte)
                } else {
                    output.append(61)
                    output.append(hex[Int(byte >> 4)])
                    output.append(hex[Int(byte & 15)])
                }
                length += width
            }
        }
        // `text` ends with "\n", so the last element is empty and the output ends with one CRLF.
        return String(decoding: output, as: UTF8.self)
    }

    static func rfc5322Date(_ date: Date) -> String { DateText.rfc5322(date) }
}

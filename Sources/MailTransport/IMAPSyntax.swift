import Foundation

/// Turns caller-supplied values into IMAP syntax, refusing anything that could end a command
/// early: a CR or LF in a mailbox name or flag must never reach the wire as a new command.
enum IMAPSyntax {
    /// A mailbox name as a quoted string, non-ASCII in modified UTF-7 (RFC 3501 §5.1.3).
    static func mailbox(_ name: String) throws(TransportError) -> String {
        guard !name.isEmpty else {
            throw TransportError(.protocolViolation, "an empty mailbox name: give the mailbox's name, e.g. INBOX")
        }
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw TransportError(
                .protocolViolation, "the mailbox name \(name.debugDescription) holds control characters (CR, LF, ...)")
        }
        let encoded = self.modifiedUTF7(name)
        var quoted = "\""
        for character in encoded {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// RFC 3501 modified UTF-7: printable ASCII as is (`&` as `&-`), other runs as `&` + modified
    /// base64 of UTF-16 + `-`.
    static func modifiedUTF7(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,")
        var output = ""
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            var bytes: [UInt8] = []
            for unit in pending { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            output.append("&")
            var i = 0
            while i < bytes.count {
                let b0 = bytes[i]
                let b1 = i + 1 < bytes.count ? bytes[i + 1] : 0
                let b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
                output.append(alphabet[Int(b0 >> 2)])
                output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
                if i + 1 < bytes.count { output.append(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)]) }
                if i + 2 < bytes.count { output.append(alphabet[Int(b2 & 0x3F)]) }
                i += 3
            }
            output.append("-")
            pending = []
        }
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value <= 0x7E {
                flush()
                output += scalar == "&" ? "&-" : String(scalar)
            } else {
                pending += Array(String(scalar).utf16)
            }
        }
        flush()
        return output
    }

    /// Flags and keywords as a space-separated list; each must be `\Atom` or an atom.
    static func flagList(_ flags: Set<String>) throws(TransportError) -> String {
        for flag in flags {
            let body = flag.hasPrefix("\\") ? flag.dropFirst() : Substring(flag)
            let ok = !body.isEmpty && body.unicodeScalars.allSatisfy { s in
                s.value > 0x20 && s.value < 0x7F && !"(){%*\"\\]".unicodeScalars.contains(s)
            }
            guard ok else {
                throw TransportError(
                    .protocolViolation,
                    "\(flag.debugDescription) is not a valid IMAP flag or keyword: use letters, digits and $-_. only")
            }
        }
        return flags.sorted().joined(separator: " ")
    }

    /// A header field name for SEARCH HEADER: printable ASCII without space or colon (RFC 5322 §2.2).
    static func headerName(_ name: String) throws(TransportError) -> String {
        let ok = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != ":" && $0 != "\"" && $0 != "\\" }
        guard ok else {
            throw TransportError(.protocolViolation, "\(name.debugDescription) is not a header field name, e.g. Message-ID")
        }
        return name
    }

    /// A printable-ASCII value as a quoted string (quotes and backslashes escaped). Search values
    /// with other characters would need CHARSET and a literal, which Message-IDs never do.
    static func quotedASCII(_ value: String, what: String) throws(TransportError) -> String {
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw TransportError(
                .protocolViolation, "\(what) \(value.debugDescription) holds a line break or non-ASCII characters")
        }
        var quoted = "\""
        for character in value {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// A compact UID set: runs of consecutive UIDs become `a:b`. `uids` must be ascending.
    static func uidSet<C: Collection<UInt32>>(_ uids: C) -> String {
        var parts: [String] = []
        var runStart: UInt32?
        var previous: UInt32 = 0
        for uid in uids {
            if let start = runStart, uid == previous + 1 {
                previous = uid
                _ = start
                continue
            }
            if let start = runStart { parts.append(start == previous ? "\(start)" : "\(start):\(previous)") }
            runStart = uid
            previous = uid
        }
        if let start = runStart { parts.append(start == previous ? "\(start)" : "\(start):\(previous)") }
        return parts.joined(separator: ",")
    }
}

/// The items of one `* n FETCH (...)` response.
struct FetchItems {
    var uid: UInt32?
    var size: Int?
    var flags: Set<String>?
    var body: [UInt8]?
    var internalDate: Date?

    init?(_ response: IMAPResponse) {
        guard case .message(_, "FETCH", let values) = response, let items = values.first?.list else { return nil }
        var i = 0
        while i + 1 < items.count {
            let name = items[i].atom?.uppercased() ?? ""
            let value = items[i + 1]
            switch name {
            case "UID": self.uid = value.number.flatMap { UInt32(exactly: $0) }
            case "RFC822.SIZE": self.size = value.number.flatMap { Int(exactly: $0) }
            case "FLAGS": self.flags = Set((value.list ?? []).compactMap(\.atom))
            case "BODY[]": self.body = value.bytes ?? []
            case "INTERNALDATE": self.internalDate = value.bytes.flatMap { IMAPSyntax.internalDate(String(decoding: $0, as: UTF8.self)) }
            default: break
            }
            i += 2
        }
    }
}

extension IMAPSyntax {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Reads an INTERNALDATE (`date-time` of RFC 3501: `"17-Jul-1996 02:44:25 -0700"`, the day
    /// possibly space-padded). Nil for anything else: the caller then uses the time it fetched.
    static func internalDate(_ text: String) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard parts.count == 3 else { return nil }
        let day = parts[0].split(separator: "-")
        let time = parts[1].split(separator: ":")
        let zone = parts[2]
        guard day.count == 3, time.count == 3, zone.count == 5, let sign = zone.first, sign == "+" || sign == "-",
            let dayOfMonth = Int(day[0]), (1...31).contains(dayOfMonth),
            let month = Self.months.firstIndex(of: day[1].lowercased()), let year = Int(day[2]), (1900...9999).contains(year),
            let hour = Int(time[0]), (0...23).contains(hour), let minute = Int(time[1]), (0...59).contains(minute),
            let second = Int(time[2]), (0...60).contains(second),
            let zoneHours = Int(zone.dropFirst().prefix(2)), let zoneMinutes = Int(zone.suffix(2))
        else { return nil }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(secondsFromGMT: 0)
        components.year = year
        components.month = month + 1
        components.day = dayOfMonth
        components.hour = hour
        components.minute = minute
        components.second = second
        guard let utc = components.date else { return nil }
        let offset = (zoneHours * 3600 + zoneMinutes * 60) * (sign == "-" ? -1 : 1)
        return utc.addingTimeInterval(TimeInterval(-offset))
    }
}

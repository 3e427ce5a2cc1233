/// The top-level header block of a message, split by Tact when it is plainly well formed.
///
/// GMime builds a message object for the header block: a GObject for every field, six address
/// lists, and a callback on every field added. For mail with eight fields that is about half of
/// GMime's work on a message; for mail with thirty (Received, DKIM, ARC…) it is most of it.
/// When the block is split here, GMime is given only the `Content-*` fields and the body to
/// build the MIME tree from, and its decoding functions read the few fields Tact needs.
///
/// Only blocks that leave GMime no choice to make are split: every field a name of printable
/// ASCII up to a colon, continuation lines starting with a blank, CR only before LF, no control
/// bytes but the tab, a blank line at the end, and each field Tact reads from the message
/// object (addresses, Subject, Date, Message-ID, In-Reply-To, References) at most once.
/// Anything else — a control byte, a line without a colon, a second Subject — returns nil, and
/// GMime parses the whole message as before. Values are decoded by the same GMime functions
/// either way, 8-bit bytes included.
struct HeaderBlock {
    struct Field {
        /// The field name's bytes.
        var name: Range<Int>
        /// The raw value as GMime keeps it: every byte after the colon through the line break
        /// that ends the field (CR included), folding line breaks included. GMime's address
        /// parser reads it so, and an unclosed comment or quote reads differently without its CR.
        var value: Range<Int>
        /// The whole field, from its name through its final line break.
        var whole: Range<Int>
    }

    /// The fields in order.
    var fields: [Field]
    /// The blank line (LF or CRLF) that ends the block; the body follows it.
    var blankLine: Range<Int>

    /// Fields Tact reads one value of (GMime's message object joins the addresses of repeated
    /// address fields and keeps the last Subject): a second one leaves it to GMime. Lower case.
    static let singleFields: [[UInt8]] = ["from", "reply-to", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references"]
        .map { Array($0.utf8) }

    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    private static let space: UInt8 = 0x20
    private static let tab: UInt8 = 0x09
    private static let colon: UInt8 = 0x3A

    /// Splits the block at the start of `bytes`; nil when it is not plainly well formed.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var fields: [Field] = []
        fields.reserveCapacity(16)
        var seen = 0  // a bit for each of `singleFields` met
        var index = 0
        let count = bytes.count
        while true {
            guard index < count else { return nil }  // no blank line: GMime decides
            let first = bytes[index]
            if first == Self.lineFeed {
                self.blankLine = index..<(index + 1)
                break
            }
            if first == Self.carriageReturn {
                guard index + 1 < count, bytes[index + 1] == Self.lineFeed else { return nil }
                self.blankLine = index..<(index + 2)
                break
            }
            // A field name: printable ASCII but the colon, then the colon at once.
            let nameStart = index
            while index < count, Self.isNameByte(bytes[index]) { index += 1 }
            guard index > nameStart, index < count, bytes[index] == Self.colon else { return nil }
            let name = nameStart..<index
            index += 1
            let valueStart = index
            // The value runs to a line break not followed by a blank.
            while true {
                guard index < count else { return nil }
                let byte = bytes[index]
                if byte == Self.lineFeed || byte == Self.carriageReturn {
                    if byte == Self.carriageReturn {
                        guard index + 1 < count, bytes[index + 1] == Self.lineFeed else { return nil }
                        index += 1
                    }
                    index += 1
                    if index < count, bytes[index] == Self.space || bytes[index] == Self.tab { continue }
                    break
                }
                // 8-bit bytes are read as GMime reads them in any value (UTF-8, else
                // windows-1252: the parser options' fallback charsets); control bytes are not.
                guard byte == Self.tab || (byte >= Self.space && byte != 0x7F) else { return nil }
                index += 1
            }
            if let single = Self.singleField(bytes[name]) {
                guard seen & (1 << single) == 0 else { return nil }
                seen |= 1 << single
            }
            fields.append(Field(name: name, value: valueStart..<index, whole: nameStart..<index))
        }
        guard !fields.isEmpty else { return nil }
        self.fields = fields
    }

    /// The index in `singleFields` of the name, in any case; nil for any other name.
    static func singleField(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        // Most names are none of these: their length alone says so.
        guard [2, 4, 7, 8, 10, 11].contains(name.count) else { return nil }
        return Self.singleFields.firstIndex { wanted in
            wanted.count == name.count && ASCIICase.hasPrefix(name, lowercased: wanted)
        }
    }

    /// The value as GMime decodes it (unfolded, encoded words decoded) when that is the raw
    /// value unfolded by hand: its line breaks (CR and LF) removed and the blanks at its ends
    /// trimmed, as `g_mime_utils_header_unfold` does, for a value of printable ASCII and tabs with
    /// no `=?` to start an encoded word. Nil for any other value (GMime decodes it).
    static func plainValue(_ raw: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        var previous: UInt8 = 0
        var breaks = 0
        for byte in raw {
            if byte == 0x0A || byte == 0x0D {
                breaks += 1
                continue
            }
            guard (byte >= 0x20 && byte < 0x7F) || byte == 0x09 else { return nil }
            if byte == 0x3F, previous == 0x3D { return nil }  // "=?"
            previous = byte
        }
        // Most values are one line: only the final line break, which trimming removes.
        let finalBreak = raw.last == 0x0A ? (raw.count >= 2 && raw[raw.endIndex - 2] == 0x0D ? 2 : 1) : 0
        if breaks == finalBreak { return Self.trimmed(raw) }
        var kept: [UInt8] = []
        kept.reserveCapacity(raw.count)
        for byte in raw where byte != 0x0A && byte != 0x0D { kept.append(byte) }
        return kept.withUnsafeBufferPointer { Self.trimmed($0[...]) }
    }

    /// The bytes less the blanks and line breaks at their ends, as a String.
    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, Self.isBlankOrBreak(bytes[start]) { start += 1 }
        while end > start, Self.isBlankOrBreak(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func isBlankOrBreak(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Whether a raw value is nothing but blanks and line breaks.
    static func isBlank(_ raw: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        raw.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }

    /// RFC 5322 field-name characters: printable ASCII except the colon.
    static func isNameByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != 0x3A
    }

    /// Whether the field's name is `name` (lower case, ASCII), in any case.
    func field(_ field: Field, isNamed name: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        field.name.count == name.utf8CodeUnitCount && Self.name(of: field, in: bytes, startsWith: name)
    }

    /// Whether the field's name starts with `Content-`, in any case: the fields GMime reads
    /// for the MIME part (the message object copies exactly these to it).
    func isContentField(_ field: Field, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        Self.name(of: field, in: bytes, startsWith: "content-")
    }

    private static func name(of field: Field, in bytes: UnsafeBufferPointer<UInt8>, startsWith prefix: StaticString) -> Bool {
        ASCIICase.hasPrefix(
            bytes[field.name], lowercased: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
    }
}

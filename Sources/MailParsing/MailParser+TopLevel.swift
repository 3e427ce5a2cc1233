import CGMime
import Foundation

/// A message's own header block, read either from GMime's message object or, when the block is
/// plainly well formed, split by ``HeaderBlock`` and read field by field with the functions the
/// message object uses, GMime building only the MIME part.
extension MailParser {
    /// What Tact reads from a message's own header block.
    struct TopLevel {
        var headers: [HeaderField] = []
        var messageID: String?
        var inReplyTo: [String] = []
        var references: [String] = []
        var from: Mailbox?
        var replyTo: [Mailbox] = []
        var to: [Mailbox] = []
        var cc: [Mailbox] = []
        var date: Date?
        var subject = ""
    }

    /// The header block as GMime's message object reads it.
    static func topLevel(of message: UnsafeMutablePointer<GMimeMessage>, options: OpaquePointer?) -> TopLevel {
        guard let object = tact_gmime_message_object(message) else { return TopLevel() }
        return TopLevel(
            headers: Self.headers(of: object),
            messageID: g_mime_message_get_message_id(message).map { String(cString: $0) },
            inReplyTo: Self.messageIDs(g_mime_object_get_header(object, "In-Reply-To"), options: options),
            references: Self.messageIDs(g_mime_object_get_header(object, "References"), options: options),
            from: Self.mailboxes(g_mime_message_get_from(message)).first,
            replyTo: Self.mailboxes(g_mime_message_get_reply_to(message)),
            to: Self.mailboxes(g_mime_message_get_to(message)),
            cc: Self.mailboxes(g_mime_message_get_cc(message)),
            date: g_mime_message_get_date(message).map(Self.date),
            subject: g_mime_message_get_subject(message).map { String(cString: $0) } ?? "")
    }

    static func date(_ time: OpaquePointer) -> Date {
        Date(timeIntervalSince1970: TimeInterval(g_date_time_to_unix(time)))
    }

    /// The header block split by ``HeaderBlock`` and read with the functions GMime's message
    /// object uses on each field, and the MIME part GMime builds from the `Content-*` fields and
    /// the body; nil when the block is not plainly well formed, or an address field is one GMime's
    /// address parser fails on (GMime then parses it all).
    static func splitTopLevel(_ input: Data, options: OpaquePointer?) -> (
        top: TopLevel, part: UnsafeMutablePointer<GMimeObject>
    )? {
        input.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let block = HeaderBlock(bytes) else { return nil }
            var top = TopLevel()
            top.headers.reserveCapacity(block.fields.count)
            // The message object keeps the Content-* fields on its part only.
            for field in block.fields where !block.isContentField(field, in: bytes) {
                let raw = bytes[field.value]
                let value = HeaderBlock.plainValue(raw)
                    ?? Self.withCString(raw) { Self.decodedValue($0, options: options) }
                top.headers.append(HeaderField(name: String(decoding: bytes[field.name], as: UTF8.self), value: value))
                guard Self.read(field, of: block, in: bytes, value: value, into: &top, options) else { return nil }
            }
            guard let part = Self.constructPart(of: block, in: bytes, options: options) else { return nil }
            return (top, part)
        }
    }

    /// What GMime's message object takes from one field (its `process_header`): addresses from
    /// the raw value, the rest from the decoded one. False when GMime's public address parser
    /// fails on an address field that is not blank: the message object reads such a field with
    /// an internal parser that keeps what it read before the error, which no public function
    /// gives, so the split is given up.
    private static func read(
        _ field: HeaderBlock.Field, of block: HeaderBlock, in bytes: UnsafeBufferPointer<UInt8>,
        value: String, into top: inout TopLevel, _ options: OpaquePointer?
    ) -> Bool {
        var parsed = true
        func addresses() -> [Mailbox] {
            guard let list = Self.withCString(bytes[field.value], { internet_address_list_parse(options, $0) }) else {
                parsed = HeaderBlock.isBlank(bytes[field.value])
                return []
            }
            defer { tact_gobject_unref(list) }
            return Self.mailboxes(list)
        }
        switch field.name.count {
        case 2 where block.field(field, isNamed: "to", in: bytes): top.to = addresses()
        case 2 where block.field(field, isNamed: "cc", in: bytes): top.cc = addresses()
        case 4 where block.field(field, isNamed: "from", in: bytes): top.from = addresses().first
        case 4 where block.field(field, isNamed: "date", in: bytes):
            top.date = value.withCString { g_mime_utils_header_decode_date($0) }.map { time in
                defer { g_date_time_unref(time) }
                return Self.date(time)
            }
        case 7 where block.field(field, isNamed: "subject", in: bytes): top.subject = value
        case 8 where block.field(field, isNamed: "reply-to", in: bytes): top.replyTo = addresses()
        case 10 where block.field(field, isNamed: "message-id", in: bytes):
            top.messageID = value.withCString { g_mime_utils_decode_message_id($0) }.map { id in
                defer { g_free(id) }
                return String(cString: id)
            }
        case 10 where block.field(field, isNamed: "references", in: bytes):
            top.references = value.withCString { Self.messageIDs($0, options: options) }
        case 11 where block.field(field, isNamed: "in-reply-to", in: bytes):
            top.inReplyTo = value.withCString { Self.messageIDs($0, options: options) }
        default: break
        }
        return parsed
    }

    /// `body` with the raw bytes as a NUL-terminated C string (HeaderBlock lets no NUL into a
    /// value, so GMime sees all of it).
    private static func withCString<Result>(
        _ raw: Slice<UnsafeBufferPointer<UInt8>>, _ body: (UnsafePointer<CChar>?) -> Result
    ) -> Result {
        var text = ContiguousArray<CChar>()
        text.reserveCapacity(raw.count + 1)
        for byte in raw { text.append(CChar(bitPattern: byte)) }
        text.append(0)
        return text.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// Runs GMime's parser for the message's MIME part as the message object would have it:
    /// its Content-* fields, the blank line and the body, byte for byte, copied once (into the
    /// array the memory stream owns, as `constructMessage` copies the whole message once).
    static func constructPart(
        of block: HeaderBlock, in bytes: UnsafeBufferPointer<UInt8>, options: OpaquePointer?
    ) -> UnsafeMutablePointer<GMimeObject>? {
        guard let base = bytes.baseAddress, let array = g_byte_array_sized_new(guint(bytes.count)) else { return nil }
        for field in block.fields where block.isContentField(field, in: bytes) {
            g_byte_array_append(array, base + field.whole.lowerBound, guint(field.whole.count))
        }
        let rest = block.blankLine.lowerBound
        g_byte_array_append(array, base + rest, guint(bytes.count - rest))
        guard let stream = g_mime_stream_mem_new_with_byte_array(array) else {
            g_byte_array_unref(array)
            return nil
        }
        defer { tact_gobject_unref(stream) }
        guard let parser = g_mime_parser_new_with_stream(stream) else { return nil }
        defer { tact_gobject_unref(parser) }
        g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE)
        return g_mime_parser_construct_part(parser, options)
    }
}

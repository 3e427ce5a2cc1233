import CGMime
import CXML2
import Foundation

/// GMime and libxml2 keep process-wide tables that must be set up once before any thread uses
/// them. A global `let` is initialised lazily, exactly once, even when tests parse in parallel.
private let librariesReady: Void = {
    g_mime_init()
    xmlInitParser()
}()

/// Reads raw RFC 5322 bytes into an ``InboundMessage`` with GMime: MIME structure, transfer
/// encodings, charsets and RFC 2047 words are all GMime's work, in its loose mode that accepts
/// what real clients send.
///
/// ```swift
/// let message = try MailParser().parse(Data(contentsOf: url))
/// print(message.from?.address ?? "-", message.text.ownWords)
/// ```
///
/// Safe to use from many threads at once; every call owns its GMime objects.
public struct MailParser: Sendable {
    /// The bounds applied to every message.
    public var limits: ParseLimits
    /// Text parts labelled UTF-8 or US-ASCII (or not at all) whose bytes are valid UTF-8 are read
    /// as they are, not through GMime's charset conversion, which gives the same text for them
    /// at several times the cost. Off only in tests that compare the two.
    var readsUTF8Directly = true
    /// Plainly well-formed header blocks are split by Tact and GMime builds only the MIME part
    /// (``HeaderBlock``); the result is the same as GMime's message object gives. Off in tests,
    /// the fuzzer and `TactBench parse`, which compare the two.
    @_spi(Testing) public var splitsHeaders = true

    public init(limits: ParseLimits = .default) {
        self.limits = limits
    }

    /// Parses one message.
    /// - Parameter data: the raw message, headers first, CRLF or LF line ends.
    /// - Returns: the message; ``InboundMessage/isTruncated`` tells whether a limit cut it.
    /// - Throws: ``MailParseError`` when the input is empty, has no header block, or declares
    ///   more parts than ``ParseLimits/maxParts``.
    public func parse(_ data: Data) throws(MailParseError) -> InboundMessage {
        _ = librariesReady
        if data.isEmpty { throw .empty }
        var truncated = false
        var input = data
        if input.count > self.limits.maxBytes {
            input = input.prefix(self.limits.maxBytes)
            truncated = true
        }
        // Parts without a Content-Type header (text/plain by default) escape the first count; the
        // delimiter lines of the declared boundaries do not. GMime would build an object for each.
        let declaredParts = max(Self.countContentTypeLines(input), Self.countDelimiterLines(input))
        if declaredParts > self.limits.maxParts {
            throw .tooManyParts(count: declaredParts, limit: self.limits.maxParts)
        }

        let options = Self.parserOptions()
        defer { g_mime_parser_options_free(options) }

        let top: TopLevel
        let root: UnsafeMutablePointer<GMimeObject>?
        // The GMime object that owns the tree (a message, or the part built from a split block).
        let owner: UnsafeMutableRawPointer
        if self.splitsHeaders, let split = Self.splitTopLevel(input, options: options) {
            (top, root, owner) = (split.top, split.part, UnsafeMutableRawPointer(split.part))
        } else {
            guard let message = Self.constructMessage(input, options: options) else { throw .noHeaders }
            owner = UnsafeMutableRawPointer(message)
            top = Self.topLevel(of: message, options: options)
            root = g_mime_message_get_mime_part(message)
        }
        defer { tact_gobject_unref(owner) }
        let headers = top.headers
        guard !headers.isEmpty else { throw .noHeaders }

        var walk = PartWalk(limits: self.limits, options: options)
        walk.readsUTF8Directly = self.readsUTF8Directly
        if let root {
            walk.visit(root, depth: 1)
        }
        truncated = truncated || walk.truncated

        var body: String
        var source: BodySource
        if let plain = walk.plain, !plain.allSatisfy(\.isWhitespace) || walk.html == nil {
            (body, source) = (plain, .plain)
        } else if let html = walk.html {
            (body, source) = (HTMLText.render(html), .html)
        } else {
            (body, source) = ("", .none)
        }
        body = Self.unixLineEnds(body)
        // A Character is at least one byte, so text of no more bytes than the limit is within it
        // without counting its Characters (a grapheme walk over the whole text).
        if body.utf8.count > self.limits.maxTextCharacters && body.count > self.limits.maxTextCharacters {
            body = String(body.prefix(self.limits.maxTextCharacters))
            truncated = true
        }

        let returnPath = headers.first { $0.hasName("return-path") }
            .map { Self.returnPathAddress($0.value) }
        var report: DeliveryReport?
        if walk.deliveryStatus != nil || walk.mimeTypes.first == "multipart/report" {
            report = DeliveryReport(
                statusFields: walk.deliveryStatus ?? "", originalMessageID: walk.reportedMessageID)
        }

        return InboundMessage(
            messageID: top.messageID,
            inReplyTo: top.inReplyTo,
            references: top.references,
            from: top.from,
            replyTo: top.replyTo,
            to: top.to,
            cc: top.cc,
            returnPath: returnPath,
            date: top.date,
            subject: top.subject,
            body: body,
            bodySource: source,
            text: MessageText(splitting: body, senderName: top.from?.name),
            attachments: walk.attachments,
            headers: headers,
            mimeTypes: walk.mimeTypes,
            deliveryReport: report,
            isTruncated: truncated)
    }

    // MARK: - GMime plumbing

    /// GMime's options for every parse, loose as real mail needs; the caller frees them.
    static func parserOptions() -> OpaquePointer? {
        _ = librariesReady
        let options = g_mime_parser_options_new()
        g_mime_parser_options_set_rfc2047_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE)
        g_mime_parser_options_set_address_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE)
        g_mime_parser_options_set_parameter_compliance_mode(options, GMIME_RFC_COMPLIANCE_LOOSE)
        tact_gmime_set_fallback_charsets(options)
        return options
    }

    /// A raw header value decoded as `g_mime_header_get_value` decodes a parsed one.
    static func decodedValue(_ raw: UnsafePointer<CChar>?, options: OpaquePointer?) -> String {
        let decoded = tact_gmime_header_value(options, raw)
        defer { g_free(decoded) }
        return decoded.map { String(cString: $0) } ?? ""
    }

    /// Runs GMime's parser over a copy of `input`; nil when it finds no message at all.
    static func constructMessage(_ input: Data, options: OpaquePointer?) -> UnsafeMutablePointer<GMimeMessage>? {
        // The memory stream copies the bytes, so the buffer need not outlive this call.
        let stream = input.withUnsafeBytes { raw in
            g_mime_stream_mem_new_with_buffer(raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard let stream else { return nil }
        defer { tact_gobject_unref(stream) }
        guard let parser = g_mime_parser_new_with_stream(stream) else { return nil }
        defer { tact_gobject_unref(parser) }
        g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE)
        return g_mime_parser_construct_message(parser, options)
    }

    static func headers(of object: UnsafeMutablePointer<GMimeObject>) -> [HeaderField] {
        guard let list = g_mime_object_get_header_list(object) else { return [] }
        let count = g_mime_header_list_get_count(list)
        guard count > 0 else { return [] }
        var fields: [HeaderField] = []
        fields.reserveCapacity(Int(count))
        for index in 0..<count {
            guard let header = g_mime_header_list_get_header_at(list, index),
                let name = g_mime_header_get_name(header)
            else { continue }
            let value = g_mime_header_get_value(header).map { String(cString: $0) } ?? ""
            fields.append(HeaderField(name: String(cString: name), value: value))
        }
        return fields
    }

    static func mailboxes(_ list: UnsafeMutablePointer<InternetAddressList>?) -> [Mailbox] {
        var result: [Mailbox] = []
        Self.collectMailboxes(list, into: &result, depth: 0)
        return result
    }

    private static func collectMailboxes(
        _ list: UnsafeMutablePointer<InternetAddressList>?, into result: inout [Mailbox], depth: Int) {
        guard let list, depth < 4 else { return }
        let count = internet_address_list_length(list)
        guard count > 0 else { return }
        for index in 0..<count {
            guard let address = internet_address_list_get_address(list, index) else { continue }
            if let mailbox = tact_internet_address_as_mailbox(address) {
                let addr = internet_address_mailbox_get_addr(mailbox).map { String(cString: $0) } ?? ""
                let name = internet_address_get_name(address).map { String(cString: $0) }
                    .map { $0.trimmingScalars(ScalarClass.whitespaceOrNewline) }
                guard !addr.isEmpty || !(name ?? "").isEmpty else { continue }
                result.append(Mailbox(name: name?.isEmpty == false ? name : nil, address: addr))
            } else if let group = tact_internet_address_as_group(address) {
                Self.collectMailboxes(internet_address_group_get_members(group), into: &result, depth: depth + 1)
            }
        }
    }

    static func messageIDs(_ value: UnsafePointer<CChar>?, options: OpaquePointer?) -> [String] {
        guard let value, let references = g_mime_references_parse(options, value) else { return [] }
        defer { g_mime_references_free(references) }
        let count = g_mime_references_length(references)
        guard count > 0 else { return [] }
        return (0..<count).compactMap { g_mime_references_get_message_id(references, $0).map { String(cString: $0) } }
    }

    /// `<>` is the null reverse path; otherwise the address between the brackets.
    static func returnPathAddress(_ value: String) -> String {
        let trimmed = value.trimmingScalars(ScalarClass.whitespaceOrNewline)
        guard let open = trimmed.firstIndex(of: "<") else { return trimmed }
        let rest = trimmed[trimmed.index(after: open)...]
        let inner = rest.firstIndex(of: ">").map { rest[..<$0] } ?? rest
        return inner.trimmingScalars(ScalarClass.whitespace)
    }

    /// Lines that open a part: `--` followed by a boundary declared somewhere in `data` (RFC 2046
    /// §5.1.1), close delimiters (`--boundary--`) not counted. Linear in the input.
    static func countDelimiterLines(_ data: Data) -> Int {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int in
            let bytes = raw.bindMemory(to: UInt8.self)
            let boundaries = Self.declaredBoundaries(bytes)
            guard !boundaries.isEmpty else { return 0 }
            var count = 0
            var lineStart = 0
            while lineStart < bytes.count {
                let lineEnd = Self.lineFeed(in: bytes, from: lineStart)
                if lineEnd - lineStart > 2, bytes[lineStart] == 0x2D, bytes[lineStart + 1] == 0x2D {
                    var end = lineEnd
                    while end > lineStart + 2, [0x0D, 0x20, 0x09].contains(bytes[end - 1]) { end -= 1 }
                    if boundaries.contains(Array(bytes[(lineStart + 2)..<end])) { count += 1 }
                }
                lineStart = lineEnd + 1
            }
            return count
        }
    }

    /// Every `boundary=` parameter value in the input, quoted or not (case-insensitive name).
    /// Found from the `=` signs (`memchr`), far fewer than the bytes even in quoted-printable
    /// text, instead of comparing eight bytes at every byte of every message.
    static func declaredBoundaries(_ bytes: UnsafeBufferPointer<UInt8>) -> Set<[UInt8]> {
        let name = Array("boundary".utf8)
        var result: Set<[UInt8]> = []
        guard let base = bytes.baseAddress, bytes.count > name.count + 1 else { return result }
        // A match needs a byte after its "=", and none starts inside a value already read (the
        // search goes on past it).
        var search = name.count
        while search < bytes.count - 1 {
            guard let found = memchr(base + search, 0x3D, bytes.count - 1 - search) else { break }
            let equals = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let index = equals - name.count
            search = equals + 1
            guard (0..<name.count).allSatisfy({ bytes[index + $0] | 0x20 == name[$0] }) else {
                continue
            }
            let value = Self.parameterValue(bytes, at: equals + 1)
            if !value.isEmpty && value.count <= 200 { result.insert(Array(bytes[value])) }
            search = max(search, max(value.upperBound, index + 1) + name.count)
        }
        return result
    }

    /// The bytes of a parameter value that starts at `start` (just after its `=`): up to the
    /// closing quote or the line's end when quoted, else up to `;`, a blank or the line's end.
    static func parameterValue(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int> {
        var start = start
        var end = start
        if bytes[start] == 0x22 {
            start += 1
            end = start
            while end < bytes.count, bytes[end] != 0x22, bytes[end] != 0x0A { end += 1 }
        } else {
            while end < bytes.count, ![0x3B, 0x20, 0x09, 0x0D, 0x0A].contains(bytes[end]) { end += 1 }
        }
        return start..<end
    }

    /// Lines that begin `Content-Type:` (any case, blanks allowed before the colon): an upper
    /// bound on the number of MIME parts, so mail with absurd nesting is refused before GMime
    /// recurses into it. A scan of header names, not MIME decoding.
    static func countContentTypeLines(_ data: Data) -> Int {
        let name = Array("content-type".utf8)
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int in
            let bytes = raw.bindMemory(to: UInt8.self)
            var count = 0
            var lineStart = 0
            while lineStart < bytes.count {
                var index = lineStart
                var matched = 0
                // `| 0x20` lower-cases ASCII letters and leaves '-' unchanged.
                while matched < name.count, index < bytes.count, bytes[index] | 0x20 == name[matched] {
                    matched += 1
                    index += 1
                }
                if matched == name.count {
                    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
                    if index < bytes.count, bytes[index] == 0x3A { count += 1 }
                }
                lineStart = Self.lineFeed(in: bytes, from: index) + 1
            }
            return count
        }
    }

    /// The offset of the first line feed at or after `start`, or `bytes.count` (`memchr`: a
    /// byte loop to each line's end cost ~5 instructions a byte of every message).
    static func lineFeed(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, 0x0A, bytes.count - start)
        else { return bytes.count }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

/// A walk over the MIME tree that picks the body candidates, lists attachments and reads the
/// parts of a delivery report, never deeper than the depth limit.
struct PartWalk {
    let limits: ParseLimits
    let options: OpaquePointer?
    var plain: String?
    var html: String?
    var attachments: [Attachment] = []
    var mimeTypes: [String] = []
    var deliveryStatus: String?
    var reportedMessageID: String?
    var truncated = false
    var readsUTF8Directly = true
    /// Parts visited so far. The Content-Type count before parsing misses parts without that
    /// header (text/plain by default), so the walk itself stops at `maxParts` too.
    private var visited = 0

    init(limits: ParseLimits, options: OpaquePointer?) {
        self.limits = limits
        self.options = options
    }

    mutating func visit(_ object: UnsafeMutablePointer<GMimeObject>, depth: Int) {
        guard depth <= self.limits.maxDepth, self.visited < self.limits.maxParts else {
            self.truncated = true
            return
        }
        self.visited += 1
        let mimeType = Self.mimeType(of: object)
        self.mimeTypes.append(mimeType)
        if let multipart = tact_gmime_as_multipart(object) {
            let count = g_mime_multipart_get_count(multipart)
            guard count > 0 else { return }
            for index in 0..<count {
                guard self.visited < self.limits.maxParts else {
                    self.truncated = true
                    break
                }
                if let child = g_mime_multipart_get_part(multipart, index) { self.visit(child, depth: depth + 1) }
            }
        } else if let messagePart = tact_gmime_as_message_part(object) {
            // An attached or returned message: listed as an attachment, its body not read as ours.
            let inner = g_mime_message_part_get_message(messagePart)
            let innerSubject = inner.flatMap { g_mime_message_get_subject($0) }.map { String(cString: $0) }
            if let inner, self.reportedMessageID == nil, let id = g_mime_message_get_message_id(inner) {
                self.reportedMessageID = String(cString: id)
            }
            let name = Self.filename(of: object) ?? innerSubject
            self.attachments.append(
                Attachment(name: name, mimeType: mimeType, size: Int(tact_gmime_object_size(object))))
        } else if let part = tact_gmime_as_part(object) {
            self.visitLeaf(part, object: object, mimeType: mimeType)
        }
    }

    private mutating func visitLeaf(
        _ part: UnsafeMutablePointer<GMimePart>, object: UnsafeMutablePointer<GMimeObject>, mimeType: String
    ) {
        let filename = Self.filename(of: object)
        let isBodyCandidate = g_mime_part_is_attachment(part) == 0 && filename == nil
        if isBodyCandidate, mimeType == "text/plain" || mimeType == "text/html",
            let textPart = tact_gmime_as_text_part(object)
        {
            if mimeType == "text/plain", self.plain == nil {
                self.plain = Self.text(of: textPart, direct: self.readsUTF8Directly, unixLineEnds: true)
                return
            }
            if mimeType == "text/html", self.html == nil {
                self.html = Self.text(of: textPart, direct: self.readsUTF8Directly)
                return
            }
        }
        switch mimeType {
        case "message/delivery-status", "message/global-delivery-status":
            if self.deliveryStatus == nil { self.deliveryStatus = Self.decodedText(part, limit: 64 * 1024) }
            return
        case "text/rfc822-headers", "message/global-headers":
            if self.reportedMessageID == nil {
                let headers = Self.decodedText(part, limit: 256 * 1024) + "\n\n"
                if let message = MailParser.constructMessage(Data(headers.utf8), options: self.options) {
                    defer { tact_gobject_unref(message) }
                    self.reportedMessageID = g_mime_message_get_message_id(message).map { String(cString: $0) }
                }
            }
        default:
            break
        }
        self.attachments.append(
            Attachment(name: filename, mimeType: mimeType, size: Int(tact_gmime_part_decoded_size(part))))
    }

    /// Labels real clients get wrong, and what the bytes under them really are.
    private static let latin1Labels: Set<String> = ["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1"]

    /// - Parameter unixLineEnds: whether the text may come back with CRLF and CR already made LF
    ///   (the parser makes them LF anyway; read directly, that spares it a copy of the text).
    private static func text(of part: UnsafeMutablePointer<GMimeTextPart>, direct: Bool, unixLineEnds: Bool = false)
        -> String
    {
        if direct, let text = Self.validUTF8Text(part, unixLineEnds: unixLineEnds) { return text }
        Self.correctCharsetLabel(part)
        guard let text = g_mime_text_part_get_text(part) else { return "" }
        defer { g_free(text) }
        return String(cString: text)
    }

    /// Labels under which valid UTF-8 bytes are the text as they are. `g_mime_text_part_get_text`
    /// converts a labelled part from its charset to UTF-8 (the identity for valid UTF-8 and for
    /// ASCII), and leaves an unlabelled one as it is; `correctCharsetLabel` relabels unlabelled
    /// or US-ASCII parts holding valid UTF-8 as UTF-8. Either way the text is the decoded bytes.
    private static let utf8Labels: Set<String> = ["utf-8", "utf8", "us-ascii", "ascii"]

    /// The part's text when its label is one of `utf8Labels` (or none) and its decoded bytes are
    /// valid UTF-8: those bytes up to the first NUL, as `String(cString:)` reads GMime's result.
    /// Nil for anything else, which goes through GMime's conversion.
    private static func validUTF8Text(_ part: UnsafeMutablePointer<GMimeTextPart>, unixLineEnds: Bool) -> String? {
        if let label = g_mime_text_part_get_charset(part) {
            guard Self.utf8Labels.contains(String(cString: label).lowercased()) else { return nil }
        }
        let raw = UnsafeMutableRawPointer(part).assumingMemoryBound(to: GMimePart.self)
        guard let bytes = tact_gmime_part_decoded_bytes(raw, -1) else { return nil }
        defer { g_byte_array_unref(bytes) }
        guard let data = bytes.pointee.data, bytes.pointee.len > 0 else { return "" }
        let decoded = UnsafeBufferPointer(start: data, count: Int(bytes.pointee.len))
        // CRLF and CR made LF on the bytes, before the one String is made (making it from the
        // bytes, then again from the converted text, validated and copied the text twice). Only
        // ASCII bytes are replaced, and a CR or LF is never inside a valid sequence: the bytes
        // are valid UTF-8 after exactly when they were before.
        func text(_ buffer: UnsafeBufferPointer<UInt8>) -> String? {
            // All of it must be valid (an unlabelled part with one bad byte anywhere is read as
            // windows-1252 by `correctCharsetLabel`, from its first byte).
            guard let base = buffer.baseAddress, let text = Self.validatedText(buffer) else { return nil }
            // A NUL found with memchr (`firstIndex(of:)` walked the bytes at ~5 instructions each).
            guard let nul = memchr(base, 0, buffer.count) else { return text }
            let length = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(nul))
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<length]), as: UTF8.self)
        }
        if unixLineEnds, let converted = MailParser.unixLineEnds(decoded) { return converted.withUnsafeBufferPointer(text) }
        return text(decoded)
    }

    /// `String(validating: bytes, as: UTF8.self)`, faster for text that is ASCII but for a few
    /// characters (nearly all mail): the standard library checks a text that is not all ASCII
    /// byte by byte (~7 instructions a byte, the most of any step of reading a part). Here the
    /// ASCII runs are found eight bytes at a time and only the runs between them are validated;
    /// a multi-byte sequence never holds an ASCII byte, so the text is valid exactly when each
    /// of those runs is. Text with many non-ASCII runs is validated whole, as before.
    static func validatedText(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = bytes.baseAddress else { return "" }
        let count = bytes.count
        /// The first byte at or after `start` that is (`ascii`) or is not ASCII, or `count`.
        func next(from start: Int, ascii: Bool) -> Int {
            var index = start
            while index + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let high = (ascii ? ~word : word) & 0x8080_8080_8080_8080
                if high != 0 { return index + high.trailingZeroBitCount / 8 }
                index += 8
            }
            while index < count, (bytes[index] < 0x80) != ascii { index += 1 }
            return index
        }
        var text = ""
        text.reserveCapacity(count)
        var index = 0
        var runs = 0
        while index < count {
            let nonASCII = next(from: index, ascii: false)
            // ASCII is always valid: decoding it is checking it, eight bytes at a time.
            if nonASCII > index { text += String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<nonASCII]), as: UTF8.self) }
            guard nonASCII < count else { break }
            runs += 1
            // A run per 64 bytes or more: the runs cost more than one check of the whole.
            if runs > count / 64 + 4 { return String(validating: bytes, as: UTF8.self) }
            let end = next(from: nonASCII, ascii: true)
            guard let run = String(validating: UnsafeBufferPointer(rebasing: bytes[nonASCII..<end]), as: UTF8.self) else {
                return nil
            }
            text += run
            index = end
        }
        return text
    }

    /// Fixes the charset label before GMime converts the text, as browsers do (WHATWG Encoding):
    /// "iso-8859-1" is read as windows-1252, whose curly quotes, dashes and € Outlook sends under
    /// that label; a missing or "us-ascii" label over 8-bit bytes is read as UTF-8 when the bytes
    /// are valid UTF-8, else as windows-1252, instead of becoming U+FFFD.
    private static func correctCharsetLabel(_ part: UnsafeMutablePointer<GMimeTextPart>) {
        let label = g_mime_text_part_get_charset(part).map { String(cString: $0).lowercased() }
        if let label, Self.latin1Labels.contains(label) {
            g_mime_text_part_set_charset(part, "windows-1252")
            return
        }
        guard label == nil || label == "us-ascii" || label == "ascii" else { return }
        // A GMimeTextPart begins with its GMimePart parent (GObject single inheritance).
        let raw = UnsafeMutableRawPointer(part).assumingMemoryBound(to: GMimePart.self)
        guard let bytes = tact_gmime_part_decoded_bytes(raw, -1) else { return }
        defer { g_byte_array_unref(bytes) }
        guard let data = bytes.pointee.data, bytes.pointee.len > 0 else { return }
        let buffer = UnsafeBufferPointer(start: data, count: Int(bytes.pointee.len))
        guard buffer.contains(where: { $0 >= 0x80 }) else { return }
        var iterator = buffer.makeIterator()
        var decoder = UTF8()
        var valid = true
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: break decoding
            case .error:
                valid = false
                break decoding
            }
        }
        g_mime_text_part_set_charset(part, valid ? "utf-8" : "windows-1252")
    }

    private static func decodedText(_ part: UnsafeMutablePointer<GMimePart>, limit: Int) -> String {
        guard let bytes = tact_gmime_part_decoded_bytes(part, gint64(limit)) else { return "" }
        defer { g_byte_array_unref(bytes) }
        guard let data = bytes.pointee.data, bytes.pointee.len > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(bytes.pointee.len)), as: UTF8.self)
    }

    private static func mimeType(of object: UnsafeMutablePointer<GMimeObject>) -> String {
        guard let contentType = g_mime_object_get_content_type(object),
            let type = g_mime_content_type_get_mime_type(contentType)
        else { return "text/plain" }
        defer { g_free(type) }
        return String(cString: type).lowercased()
    }

    private static func filename(of object: UnsafeMutablePointer<GMimeObject>) -> String? {
        let name =
            g_mime_object_get_content_disposition_parameter(object, "filename")
            ?? g_mime_object_get_content_type_parameter(object, "name")
        guard let name else { return nil }
        let value = String(cString: name).trimmingScalars(ScalarClass.whitespaceOrNewline)
        return value.isEmpty ? nil : value
    }
}

extension MailParser {
    /// `text` with CRLF and lone CR turned into LF, byte by byte (Foundation's
    /// `replacingOccurrences` goes through UTF-16 and cost a third of parsing); unchanged, and not
    /// copied, when it holds no CR.
    public static func unixLineEnds(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in Self.unixLineEnds(bytes).map { String(decoding: $0, as: UTF8.self) } } ?? text
    }

    /// `bytes` with CRLF and lone CR turned into LF, or nil when they hold no CR.
    static func unixLineEnds(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let base = bytes.baseAddress, var carriageReturn = memchr(base, 13, bytes.count) else { return nil }
        // The runs between CRs copied whole (byte by byte, this cost ~10 instructions a byte).
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var start = 0
        while true {
            let at = base.distance(to: carriageReturn.assumingMemoryBound(to: UInt8.self))
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<at]))
            output.append(10)
            start = at + 1
            if start < bytes.count, bytes[start] == 10 { start += 1 }
            guard start < bytes.count, let next = memchr(base + start, 13, bytes.count - start) else { break }
            carriageReturn = next
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        return output
    }
}

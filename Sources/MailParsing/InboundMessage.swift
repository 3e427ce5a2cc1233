import Foundation

/// One mail message as Tact reads it: decoded headers, the best text body split into the
/// customer's own words, what they quoted, and their signature. A plain value: parse once with
/// ``MailParser`` and hand it to every later stage.
public struct InboundMessage: Sendable, Equatable {
    /// The Message-ID without angle brackets, or nil when the message has none.
    public var messageID: String?
    /// The message IDs in In-Reply-To, without angle brackets, in order.
    public var inReplyTo: [String]
    /// The message IDs in References, without angle brackets, oldest first.
    public var references: [String]
    /// The first mailbox in From, with its display name decoded; nil when From is missing or empty.
    public var from: Mailbox?
    /// The mailboxes in Reply-To (group members flattened).
    public var replyTo: [Mailbox]
    /// The mailboxes in To (group members flattened).
    public var to: [Mailbox]
    /// The mailboxes in Cc (group members flattened).
    public var cc: [Mailbox]
    /// The address in the first Return-Path header without angle brackets: `""` for the null
    /// reverse path `<>` that bounces and auto-replies carry, nil when there is no Return-Path.
    public var returnPath: String?
    /// The Date header, when it could be read.
    public var date: Date?
    /// The Subject with RFC 2047 words decoded, `""` when absent.
    public var subject: String
    /// The best text body in UTF-8: text/plain when there is one, else the HTML part as text.
    public var body: String
    /// Which part ``body`` came from.
    public var bodySource: BodySource
    /// ``body`` split into the customer's own words, quoted history and signature.
    public var text: MessageText
    /// Every attachment (and inline file), in the order it appears.
    public var attachments: [Attachment]
    /// Every header of the top-level message in order, with unfolded, decoded values.
    public var headers: [HeaderField]
    /// The MIME type of every part in the tree, outermost first (`multipart/report`, …).
    public var mimeTypes: [String]
    /// The machine-readable part of a delivery report (RFC 3464), when the message is one.
    public var deliveryReport: DeliveryReport?
    /// True when a limit (size, nesting depth, part count, text length) cut something off: the
    /// value is still valid, but not the whole message.
    public var isTruncated: Bool

    /// Every value of the header `name` (case-insensitive), in order: triage must see all of
    /// them, since a robot may add `Auto-Submitted` after a human's `Auto-Submitted: no`.
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return self.headers.filter { $0.hasName(wanted) }.map(\.value)
    }

    /// The first value of the header `name` (case-insensitive), or nil.
    public func headerValue(_ name: String) -> String? {
        let wanted = name.lowercased()
        return self.headers.first { $0.hasName(wanted) }?.value
    }
}

/// A mailbox: an address and its decoded display name.
public struct Mailbox: Sendable, Hashable, Codable {
    /// The decoded display name, nil when there is none.
    public var name: String?
    /// The address as written (`local@domain`).
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }
}

/// One header field: its name as written and its unfolded value with RFC 2047 words decoded.
public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Whether the name equals `lowercasedName` ignoring case; the length check first keeps
    /// triage's many header look-ups cheap. ASCII names (nearly every name) are compared byte by
    /// byte with A–Z folded, without a lower-cased copy; any other through `lowercased()`.
    func hasName(_ lowercasedName: String) -> Bool {
        guard self.name.utf8.count == lowercasedName.utf8.count else { return false }
        guard Self.isASCII(self.name), Self.isASCII(lowercasedName) else {
            return self.name.lowercased() == lowercasedName
        }
        return ASCIICase.hasPrefix(self.name.utf8, lowercased: lowercasedName.utf8)
    }

    /// Whether the name, lower-cased, starts with `lowercasedPrefix` (`list-` for every
    /// `List-*` field); ASCII names without a lower-cased copy, as ``hasName(_:)``.
    public func nameHasPrefix(_ lowercasedPrefix: String) -> Bool {
        guard Self.isASCII(self.name), Self.isASCII(lowercasedPrefix) else {
            return self.name.lowercased().hasPrefix(lowercasedPrefix)
        }
        return ASCIICase.hasPrefix(self.name.utf8, lowercased: lowercasedPrefix.utf8)
    }

    private static func isASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 }
    }
}

/// An attached (or inline) file.
public struct Attachment: Sendable, Hashable {
    /// The decoded file name, nil when the part names none.
    public var name: String?
    /// The lower-case MIME type, e.g. `application/pdf`.
    public var mimeType: String
    /// The decoded size in bytes.
    public var size: Int

    public init(name: String?, mimeType: String, size: Int) {
        self.name = name
        self.mimeType = mimeType
        self.size = size
    }
}

/// Where ``InboundMessage/body`` came from.
public enum BodySource: String, Sendable, Hashable {
    case plain
    case html
    case none
}

/// The machine-readable parts of a delivery status notification (RFC 3464), as found: the raw
/// `message/delivery-status` text and the Message-ID of the returned message, when included.
public struct DeliveryReport: Sendable, Hashable {
    /// The decoded `message/delivery-status` content (header-like field groups), or `""`.
    public var statusFields: String
    /// The Message-ID of the message the report is about, from the returned
    /// `message/rfc822` or `text/rfc822-headers` part.
    public var originalMessageID: String?

    public init(statusFields: String, originalMessageID: String?) {
        self.statusFields = statusFields
        self.originalMessageID = originalMessageID
    }
}

/// Why raw bytes could not be read as a mail message. A struct around a private code, so new
/// cases do not break callers; compare with the static values (`error == .empty`).
public struct MailParseError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case empty
        case noHeaders
        case tooManyParts(count: Int, limit: Int)
    }

    private let code: Code

    /// The input was 0 bytes long.
    public static let empty = MailParseError(code: .empty)
    /// No RFC 5322 header block was found: the input is not a mail message.
    public static let noHeaders = MailParseError(code: .noHeaders)

    /// The input declares more MIME parts than ``ParseLimits/maxParts`` allows.
    public static func tooManyParts(count: Int, limit: Int) -> MailParseError {
        MailParseError(code: .tooManyParts(count: count, limit: limit))
    }

    public var description: String {
        switch self.code {
        case .empty:
            return "the input is empty (0 bytes): pass the raw RFC 5322 message, headers first"
        case .noHeaders:
            return "no mail header (such as From: or Subject:) was found: the input is not an RFC 5322 "
                + "message; pass the raw .eml file as fetched from the mailbox"
        case .tooManyParts(let count, let limit):
            return "the message declares \(count) MIME parts, more than the limit of \(limit): it is "
                + "refused as hostile; raise ParseLimits.maxParts if such mail is expected"
        }
    }
}

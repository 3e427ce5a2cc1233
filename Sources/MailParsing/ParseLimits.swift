/// Bounds on what ``MailParser`` reads, so hostile mail costs bounded time and memory.
/// Over a limit the parser either throws a ``MailParseError`` or returns a valid value with
/// ``InboundMessage/isTruncated`` set.
public struct ParseLimits: Sendable, Hashable {
    /// Bytes read from the input; the rest is ignored and the value is marked truncated.
    public var maxBytes: Int
    /// MIME nesting depth walked; deeper parts are ignored and the value is marked truncated.
    public var maxDepth: Int
    /// `Content-Type` header lines allowed in the input before it is refused as hostile.
    public var maxParts: Int
    /// Characters of body text kept; the rest is cut and the value is marked truncated.
    public var maxTextCharacters: Int

    /// The defaults: 25 MB, 32 levels, 2,000 parts, 1,000,000 characters of text.
    public static let `default` = ParseLimits(
        maxBytes: 25 * 1024 * 1024, maxDepth: 32, maxParts: 2_000, maxTextCharacters: 1_000_000)

    public init(maxBytes: Int, maxDepth: Int, maxParts: Int, maxTextCharacters: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxParts = maxParts
        self.maxTextCharacters = maxTextCharacters
    }
}

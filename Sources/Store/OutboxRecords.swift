import Foundation

/// A server step that follows a sent reply: both are recorded (as `pending`) in the same commit
/// that marks the draft `sent`, then done against the IMAP server, and replayed by the next outbox
/// pass until they succeed. Each is idempotent, so a replay after a crash never duplicates.
public enum PostSendStepKind: String, Sendable, CaseIterable, Codable {
    /// APPEND the sent message to the mailbox's Sent folder (skipped when a message with the
    /// reply's Message-ID is already there).
    case appendToSent = "append-to-sent"
    /// Flag the customer's original `\Answered` (never `\Seen`).
    case flagAnswered = "flag-answered"
}

/// One pending (or failing) post-send step.
public struct PostSendStep: Sendable, Equatable {
    public let draftID: Int64
    public let kind: PostSendStepKind
    /// How many times it was tried and failed.
    public let attempts: Int
    /// The last failure, shown by `tact explain` through the audit log.
    public let lastError: String?
    /// The exact bytes sent over SMTP (the copy that goes to Sent).
    public let copy: Data
}

/// An address that bounced one of our replies: Tact does not acknowledge it again.
public struct BouncedAddress: Sendable, Equatable {
    /// Lower-cased.
    public let address: String
    /// The draft whose reply bounced.
    public let draftID: Int64
    /// When that reply was sent.
    public let sentAt: Date
    /// When the delivery report was recorded.
    public let recordedAt: Date
    /// The status from the report, e.g. `5.1.1`.
    public let status: String?
}

import MailParsing

/// Why a message must never get an automatic answer: answering machine mail is backscatter.
/// The raw values are stable, machine-readable names for logs, the store and `--json`.
public enum SuppressionReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// A delivery status notification (`multipart/report`, `message/delivery-status`).
    case deliveryReport = "delivery-report"
    /// `Return-Path: <>`, the null reverse path of bounces and auto-replies (RFC 3834 §2).
    case nullReturnPath = "null-return-path"
    /// The sender is one of the deployment's own addresses: answering would loop.
    case ownAddress = "own-address"
    /// The sender is on the deployment's never-acknowledge list (staff, legal, VIPs).
    case neverAcknowledge = "never-acknowledge"
    /// A spam filter's verdict (`X-Spam-Flag: YES`, `X-Spam-Status: Yes`).
    case spam = "spam"
    /// `Authentication-Results` reports `dmarc=fail`: the sender is likely forged.
    case dmarcFail = "dmarc-fail"
    /// `Auto-Submitted` with a value other than `no` (RFC 3834 §5).
    case autoSubmitted = "auto-submitted"
    /// A `List-*` header (RFC 2369, RFC 2919): mailing-list traffic.
    case mailingList = "mailing-list"
    /// `Precedence: junk`, `bulk`, `list` or `auto_reply`.
    case precedence = "precedence"
    /// `X-Auto-Response-Suppress` with `All` or `OOF` (Microsoft Exchange).
    case autoResponseSuppress = "auto-response-suppress"
    /// `X-Autoreply`, `X-Autorespond` or `X-Autoresponder`.
    case autoreplyHeader = "autoreply-header"
    /// A system sender: MAILER-DAEMON, postmaster, list software, no-reply and bounce addresses.
    case systemSender = "system-sender"
    /// An out-of-office subject ("Automatic reply:", "Out of Office", "Automatische Antwort", …).
    case outOfOfficeSubject = "out-of-office-subject"
}

/// The decision to stay silent, with what triggered it.
public struct Suppression: Sendable, Hashable {
    /// The first rule that matched.
    public var reason: SuppressionReason
    /// What matched, for people reading logs: the header and value, or the address.
    public var detail: String
    /// For delivery reports: who could not be reached and which message bounced.
    public var bounce: BounceDetails?

    public init(reason: SuppressionReason, detail: String, bounce: BounceDetails? = nil) {
        self.reason = reason
        self.detail = detail
        self.bounce = bounce
    }
}

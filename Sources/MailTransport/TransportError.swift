/// Everything the transport can fail with. A struct wrapping a private code, so new cases do not
/// break callers; each error says what happened, to what, and what to check.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case authenticationFailed
        case tlsFailure
        case unreachable
        case timeout
        case connectionLost
        case noSuchMailbox
        case uidValidityChanged
        case serverRefused
        case messageTooLarge
        case temporaryFailure
        case permanentFailure
        case insecureConfiguration
        case secretUnreadable
        case protocolViolation
        case cancelled
    }

    public let kind: Kind
    /// What went wrong, in words a support lead can act on.
    public let message: String
    /// The server's own reply text, where there was one (IMAP NO/BAD text, SMTP reply line).
    public let serverText: String?

    public init(_ kind: Kind, _ message: String, serverText: String? = nil) {
        self.kind = kind
        self.message = message
        self.serverText = serverText
    }

    public var description: String {
        guard let serverText, !serverText.isEmpty else { return self.message }
        return "\(self.message) (server said: \(serverText))"
    }

    /// True for failures that may pass by themselves (network, timeouts, SMTP 4xx): worth retrying.
    public var isTransient: Bool {
        switch self.kind {
        case .unreachable, .timeout, .connectionLost, .temporaryFailure: return true
        default: return false
        }
    }
}

import Foundation

/// How a connection is protected.
public enum TransportSecurity: String, Sendable, CaseIterable, Codable {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    case implicitTLS = "tls"
    /// A plain connection upgraded with STARTTLS before authentication; refusing to go on without it.
    case startTLS = "starttls"
    /// No encryption at all. Allowed only to a loopback address, and only when configured explicitly.
    case plaintext = "plain"
}

/// How to log in.
public enum AuthenticationMechanism: String, Sendable, CaseIterable, Codable {
    /// SASL PLAIN or LOGIN (whichever the server offers; libcurl picks).
    case password
    /// SASL XOAUTH2 with a bearer token (Gmail, Microsoft 365).
    case oauth2
}

/// A secret that never prints itself: `description` and `debugDescription` are redacted, so it
/// cannot leak through string interpolation into logs or error messages.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, Equatable {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Where a secret comes from. Files are read at every connect, so a rotated password or an
/// OAuth2 token refreshed by another program (tokens expire hourly) is picked up without a restart.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    /// The secret itself (tests, and secrets already loaded by the caller).
    case literal(Secret)
    /// A file holding the secret; one trailing newline is ignored. A systemd credential is a file
    /// in `$CREDENTIALS_DIRECTORY`, resolved to this case by the configuration loader.
    case file(String)

    public var description: String {
        switch self {
        case .literal: return "a literal secret"
        case .file(let path): return "the file \(path)"
        }
    }
}

/// Who to log in as, and how.
public struct Credentials: Sendable, Equatable {
    public var user: String
    public var secret: SecretSource
    public var mechanism: AuthenticationMechanism

    public init(user: String, secret: SecretSource, mechanism: AuthenticationMechanism = .password) {
        self.user = user
        self.secret = secret
        self.mechanism = mechanism
    }
}

/// One mail server endpoint (IMAP or SMTP) and how to reach it safely.
public struct ServerEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var security: TransportSecurity
    /// A PEM file of trusted CA certificates, instead of the system store.
    public var caFile: String?
    /// Skip certificate and host-name checks. Honoured only for loopback hosts (tests, a local
    /// relay); anywhere else the transport refuses to connect rather than silently trust.
    public var insecureSkipVerify: Bool
    /// How long to wait for the TCP connection and TLS handshake.
    public var connectTimeout: Duration
    /// How long any single read or write may stall before the connection counts as dead.
    public var ioTimeout: Duration

    public init(
        host: String, port: Int, security: TransportSecurity, caFile: String? = nil,
        insecureSkipVerify: Bool = false, connectTimeout: Duration = .seconds(15),
        ioTimeout: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.caFile = caFile
        self.insecureSkipVerify = insecureSkipVerify
        self.connectTimeout = connectTimeout
        self.ioTimeout = ioTimeout
    }

    /// True for 127.0.0.0/8, ::1 and `localhost`: the only hosts where plaintext or unverified TLS
    /// may be configured.
    public var isLoopback: Bool {
        let lowered = self.host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "[::1]" { return true }
        let parts = lowered.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

import CCurl
import Foundation

/// Owns one libcurl easy handle: applies Tact's TLS policy and login to it, and maps curl's codes
/// to `TransportError`. The only type that calls libcurl's easy API directly; IMAP and SMTP build on it.
/// Not thread-safe: one handle is used by one thread at a time (its connection's thread).
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    /// curl writes its last error text here (CURLOPT_ERRORBUFFER needs CURL_ERROR_SIZE bytes).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Strings handed to curl must outlive the transfer: curl copies them, but keeping them here
    /// makes that not matter.
    private var retainedStrings: [ContiguousArray<CChar>] = []

    init() throws(TransportError) {
        CurlGlobal.initializeOnce()
        guard let handle = curl_easy_init() else {
            throw TransportError(.protocolViolation, "libcurl could not create a handle (out of memory?)")
        }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = tact_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, self.errorBuffer)
        _ = tact_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(self.handle)
        self.errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) {
        _ = tact_curl_setopt_long(self.handle, option, value)
    }

    func set(_ option: CURLoption, _ value: String) {
        let bytes = ContiguousArray(value.utf8CString)
        self.retainedStrings.append(bytes)
        bytes.withUnsafeBufferPointer { _ = tact_curl_setopt_string(self.handle, option, $0.baseAddress) }
    }

    /// Applies the endpoint's TLS policy and the credentials' login to the handle.
    /// Refuses configurations that would send a password in clear or trust any certificate,
    /// unless the host is loopback.
    func configure(endpoint: ServerEndpoint, credentials: Credentials?) throws(TransportError) {
        if endpoint.security == .plaintext && !endpoint.isLoopback {
            throw TransportError(
                .insecureConfiguration,
                "plaintext connections are allowed only to loopback, not to \(endpoint.host): use security = \"tls\" or \"starttls\"")
        }
        if endpoint.insecureSkipVerify && !endpoint.isLoopback {
            throw TransportError(
                .insecureConfiguration,
                "certificate checks can be switched off only for loopback, not for \(endpoint.host): give a ca_file instead")
        }
        self.set(CURLOPT_CONNECTTIMEOUT_MS, Int(endpoint.connectTimeout.milliseconds))
        switch endpoint.security {
        case .implicitTLS, .plaintext:
            break
        case .startTLS:
            self.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        }
        if let caFile = endpoint.caFile { self.set(CURLOPT_CAINFO, caFile) }
        self.set(CURLOPT_SSL_VERIFYPEER, endpoint.insecureSkipVerify ? 0 : 1)
        self.set(CURLOPT_SSL_VERIFYHOST, endpoint.insecureSkipVerify ? 0 : 2)

        guard let credentials else { return }
        self.set(CURLOPT_USERNAME, credentials.user)
        let secret = try credentials.secret.read()
        switch credentials.mechanism {
        case .password:
            self.set(CURLOPT_PASSWORD, secret.value)
        case .oauth2:
            self.set(CURLOPT_XOAUTH2_BEARER, secret.value)
            self.set(CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2")
        }
    }

    /// The URL scheme for the endpoint: implicit TLS uses the `s` variant.
    static func url(scheme: String, endpoint: ServerEndpoint, path: String) -> String {
        let secure = endpoint.security == .implicitTLS ? "s" : ""
        let host = endpoint.host.contains(":") && !endpoint.host.hasPrefix("[") ? "[\(endpoint.host)]" : endpoint.host
        return "\(scheme)\(secure)://\(host):\(endpoint.port)\(path)"
    }

    /// Runs the transfer configured on the handle.
    func perform(endpoint: ServerEndpoint) throws(TransportError) {
        self.errorBuffer[0] = 0
        let code = curl_easy_perform(self.handle)
        if code != CURLE_OK { throw self.error(code, endpoint: endpoint) }
    }

    /// curl's detail text for the last failure, or its generic text for `code`.
    func detail(_ code: CURLcode) -> String {
        let buffered = String(cString: self.errorBuffer)
        return buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
    }

    /// Maps a curl result to a typed error that says what to check.
    func error(_ code: CURLcode, endpoint: ServerEndpoint) -> TransportError {
        let place = "\(endpoint.host):\(endpoint.port)"
        let detail = self.detail(code)
        switch code {
        case CURLE_LOGIN_DENIED:
            return TransportError(
                .authenticationFailed, "login to \(place) was refused: check the user name and the password or token",
                serverText: detail)
        case CURLE_COULDNT_RESOLVE_HOST:
            return TransportError(.unreachable, "cannot resolve \(endpoint.host): check the host name", serverText: detail)
        case CURLE_COULDNT_CONNECT:
            return TransportError(
                .unreachable, "cannot connect to \(place): check host, port and that the server is running",
                serverText: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError(.timeout, "\(place) did not answer in time: check the network and the server", serverText: detail)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CONNECT_ERROR,
            CURLE_USE_SSL_FAILED, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR:
            return TransportError(
                .tlsFailure,
                "TLS with \(place) failed: check that the certificate matches the host and is trusted (ca_file), and the security mode",
                serverText: detail)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            return TransportError(.connectionLost, "the connection to \(place) was lost", serverText: detail)
        case CURLE_ABORTED_BY_CALLBACK:
            return TransportError(.cancelled, "the transfer with \(place) was cancelled")
        default:
            return TransportError(
                .protocolViolation, "talking to \(place) failed (curl error \(code.rawValue))", serverText: detail)
        }
    }
}

/// `curl_global_init` must run once per process before any handle is made.
enum CurlGlobal {
    private static let once: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    static func initializeOnce() { _ = self.once }
}

extension Duration {
    /// Whole milliseconds, for curl's `_MS` options and poll timeouts.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

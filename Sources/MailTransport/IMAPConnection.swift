import CCurl
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Lets another thread interrupt a blocking wait on the socket: `poll()` watches the pipe's read
/// end beside the socket, and `interrupt()` writes a byte to it.
final class WakePipe: @unchecked Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32
    private let lock = NSLock()
    private var interrupted = false

    init() {
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        for fd in fds where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        self.readEnd = fds[0]
        self.writeEnd = fds[1]
    }

    deinit {
        close(self.readEnd)
        close(self.writeEnd)
    }

    var fd: Int32 { self.readEnd }

    func interrupt() {
        self.lock.withLock { self.interrupted = true }
        var byte: UInt8 = 1
        _ = write(self.writeEnd, &byte, 1)
    }

    /// True once `interrupt()` was called since the last `reset()`.
    var isInterrupted: Bool { self.lock.withLock { self.interrupted } }

    func reset() {
        self.lock.withLock { self.interrupted = false }
        var sink = [UInt8](repeating: 0, count: 64)
        while read(self.readEnd, &sink, sink.count) > 0 {}
    }
}

/// One logged-in IMAP connection: curl connected, did TLS/STARTTLS and the login
/// (`CURLOPT_CONNECT_ONLY`), and we speak raw IMAP over `curl_easy_send`/`curl_easy_recv`.
/// Used by one thread at a time (its session's queue); blocking.
final class IMAPConnection {
    let easy: CurlEasy
    let endpoint: ServerEndpoint
    private let socket: Int32
    private let wake: WakePipe
    var parser = IMAPResponseParser()
    private var tagCounter = 0
    private(set) var capabilities: Set<String> = []
    /// The message count the server last announced (`* n EXISTS`), in answer to any command. A
    /// mail that arrives while a search runs is announced with that search's answer although the
    /// search did not see it; the session's wait for new mail looks here so it is not missed.
    private(set) var lastExists: Int?
    private var receiveBuffer = [UInt8](repeating: 0, count: 256 << 10)

    /// Connects and logs in; the OAuth2 token or password file is read now, at every connect.
    init(endpoint: ServerEndpoint, credentials: Credentials, wake: WakePipe) throws(TransportError) {
        self.endpoint = endpoint
        self.wake = wake
        self.easy = try CurlEasy()
        try self.easy.configure(endpoint: endpoint, credentials: credentials)
        self.easy.set(CURLOPT_URL, CurlEasy.url(scheme: "imap", endpoint: endpoint, path: "/"))
        self.easy.set(CURLOPT_CONNECT_ONLY, 1)
        try self.easy.perform(endpoint: endpoint)
        var fd = curl_socket_t(-1)
        guard tact_curl_getinfo_socket(self.easy.handle, &fd) == CURLE_OK, fd >= 0 else {
            throw TransportError(.connectionLost, "libcurl gave no socket for \(endpoint.host):\(endpoint.port)")
        }
        self.socket = fd
        let (untagged, _) = try self.command("CAPABILITY")
        for case .data("CAPABILITY", let values) in untagged {
            self.capabilities.formUnion(values.compactMap { $0.atom?.uppercased() })
        }
    }

    /// Our tags start with "tact" so they never equal the `A001`-style tags curl used at login.
    private func nextTag() -> String {
        self.tagCounter += 1
        return "tact\(self.tagCounter)"
    }

    func send(_ bytes: [UInt8]) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes.withUnsafeBytes { raw in
                curl_easy_send(self.easy.handle, raw.baseAddress! + offset, raw.count - offset, &sent)
            }
            if code == CURLE_OK {
                offset += sent
            } else if code == CURLE_AGAIN {
                _ = try self.waitForSocket(events: Int16(POLLOUT), timeout: self.endpoint.ioTimeout)
            } else {
                throw self.lost(code)
            }
        }
    }

    private func lost(_ code: CURLcode) -> TransportError {
        let place = "\(self.endpoint.host):\(self.endpoint.port)"
        return TransportError(
            .connectionLost, "the connection to \(place) was lost: check that the server is running",
            serverText: self.easy.detail(code))
    }

    /// Waits for the socket or the wake pipe. Returns false on timeout; throws when interrupted.
    private func waitForSocket(events: Int16, timeout: Duration) throws(TransportError) -> Bool {
        if self.wake.isInterrupted { throw TransportError(.cancelled, "the IMAP operation was cancelled") }
        var fds = [
            pollfd(fd: self.socket, events: events, revents: 0),
            pollfd(fd: self.wake.fd, events: Int16(POLLIN), revents: 0),
        ]
        let result = poll(&fds, 2, Int32(clamping: max(0, timeout.milliseconds)))
        if self.wake.isInterrupted { throw TransportError(.cancelled, "the IMAP operation was cancelled") }
        if result < 0 && errno != EINTR {
            throw TransportError(.connectionLost, "poll() failed on the IMAP socket: errno \(errno)")
        }
        return result > 0
    }

    /// Reads until one complete response is parsed. With `timeout`, returns nil when nothing
    /// arrived in that time (IDLE); otherwise a stall longer than `ioTimeout` is a `.timeout` error.
    func readResponse(timeout: Duration? = nil) throws(TransportError) -> IMAPResponse? {
        while true {
            do {
                if let response = try self.parser.next() {
                    if case .condition(.bye, _, let text) = response {
                        throw TransportError(
                            .connectionLost,
                            "\(self.endpoint.host):\(self.endpoint.port) closed the connection (BYE)", serverText: text)
                    }
                    if case .message(let count, "EXISTS", _) = response { self.lastExists = Int(count) }
                    return response
                }
            } catch let error as IMAPParseError {
                throw TransportError(.protocolViolation, "cannot understand the IMAP server: \(error.message)")
            } catch let error as TransportError {
                throw error
            } catch {
                throw TransportError(.protocolViolation, "\(error)")
            }
            // Drain what curl (and OpenSSL's buffer) already holds before waiting on the socket.
            var received = 0
            let code = self.receiveBuffer.withUnsafeMutableBytes { raw in
                curl_easy_recv(self.easy.handle, raw.baseAddress, raw.count, &received)
            }
            if code == CURLE_OK {
                if received == 0 {
                    throw TransportError(
                        .connectionLost,
                        "\(self.endpoint.host):\(self.endpoint.port) closed the connection: check that the server is running")
                }
                self.receiveBuffer.withUnsafeBytes { self.parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<received])) }
                continue
            }
            guard code == CURLE_AGAIN else { throw self.lost(code) }
            let ready = try self.waitForSocket(events: Int16(POLLIN), timeout: timeout ?? self.endpoint.ioTimeout)
            if !ready {
                if timeout != nil { return nil }
                throw TransportError(
                    .timeout,
                    "\(self.endpoint.host):\(self.endpoint.port) did not answer within \(self.endpoint.ioTimeout)")
            }
        }
    }

    /// Sends `tag command` and collects the untagged responses until its tagged completion.
    /// `literal` is sent after the server's `+` (APPEND). NO/BAD come back as the completion, not thrown.
    func command(_ text: String, literal: [UInt8]? = nil) throws(TransportError)
        -> (untagged: [IMAPResponse], completion: IMAPResponse)
    {
        let tag = self.nextTag()
        var line = Array("\(tag) \(text)".utf8)
        if let literal { line += Array("{\(literal.count)}".utf8) }
        line += [13, 10]
        try self.send(line)
        var untagged: [IMAPResponse] = []
        var literalSent = literal == nil
        while true {
            guard let response = try self.readResponse() else { continue }
            switch response {
            case .tagged(let t, _, _, _) where t == tag:
                return (untagged, response)
            case .tagged:
                continue  // a stray completion (not ours) carries nothing for us
            case .continuation:
                if !literalSent, let literal {
                    try self.send(literal + [13, 10])
                    literalSent = true
                }
            default:
                untagged.append(response)
            }
        }
    }

    /// Like `command`, but a NO or BAD completion becomes a typed error.
    func checked(_ text: String, literal: [UInt8]? = nil, what: String) throws(TransportError)
        -> (untagged: [IMAPResponse], code: IMAPResponseCode?)
    {
        let (untagged, completion) = try self.command(text, literal: literal)
        guard case .tagged(_, let condition, let code, let serverText) = completion else {
            throw TransportError(.protocolViolation, "no completion for \(what)")
        }
        guard condition == .ok else {
            throw TransportError(
                .serverRefused, "\(self.endpoint.host):\(self.endpoint.port) refused to \(what)", serverText: serverText)
        }
        return (untagged, code)
    }

    /// Starts IDLE and returns the tag; the caller reads responses and ends it with `endIdle`.
    func startIdle() throws(TransportError) -> String {
        let tag = self.nextTag()
        try self.send(Array("\(tag) IDLE\r\n".utf8))
        while true {
            guard let response = try self.readResponse() else { continue }
            switch response {
            case .continuation: return tag
            case .tagged(let t, let condition, _, let text) where t == tag:
                throw TransportError(
                    condition == .ok ? .protocolViolation : .serverRefused, "the server would not IDLE",
                    serverText: text)
            default: continue
            }
        }
    }

    /// Sends DONE and reads up to IDLE's completion; returns untagged responses seen meanwhile.
    func endIdle(tag: String) throws(TransportError) -> [IMAPResponse] {
        try self.send(Array("DONE\r\n".utf8))
        var seen: [IMAPResponse] = []
        while true {
            guard let response = try self.readResponse() else { continue }
            if case .tagged(let t, _, _, _) = response, t == tag { return seen }
            seen.append(response)
        }
    }

    /// Polls the socket without blocking: any buffered untagged data (e.g. a BYE) is parsed.
    func logout() {
        _ = try? self.command("LOGOUT")
    }
}

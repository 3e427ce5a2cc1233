import CCurl
import Foundation

/// Who a message is from and to, at the SMTP level (not the headers).
public struct SMTPEnvelope: Sendable, Equatable {
    /// The envelope sender (`MAIL FROM`); "" is the null sender `<>`.
    public let sender: String
    public let recipients: [String]

    /// - Throws: `TransportError` (`.protocolViolation`) for no recipients or an address holding
    ///   CR, LF, NUL, another control character or angle brackets, which could inject SMTP commands.
    public init(sender: String, recipients: [String]) throws(TransportError) {
        try Self.check(sender, role: "sender", allowEmpty: true)
        guard !recipients.isEmpty else {
            throw TransportError(.protocolViolation, "an SMTP message needs at least one recipient: give one")
        }
        for recipient in recipients { try Self.check(recipient, role: "recipient", allowEmpty: false) }
        self.sender = sender
        self.recipients = recipients
    }

    private static func check(_ address: String, role: String, allowEmpty: Bool) throws(TransportError) {
        if address.isEmpty && allowEmpty { return }
        let bad = address.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "<" || $0 == ">" }
        guard !address.isEmpty, !bad else {
            // The address is not echoed: it may hold the injected command.
            throw TransportError(
                .protocolViolation,
                "the envelope \(role) address is empty or holds a line break, control character or angle bracket: "
                    + "give a plain address such as name@example.com")
        }
    }
}

/// Where in the SMTP dialogue a submission stopped.
public enum SMTPPhase: String, Sendable, Equatable {
    /// Connecting, TLS, greeting, EHLO, STARTTLS.
    case connecting
    /// AUTH.
    case authenticating
    /// MAIL FROM and RCPT TO.
    case envelope
    /// The DATA command and the message transfer.
    case data
    /// All message data was handed over; waiting for the server's final reply.
    case afterData
}

/// A failed submission: the transport error plus where it happened, for at-most-once sending.
public struct SMTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let error: TransportError
    public let phase: SMTPPhase
    /// The server's reply code that refused the message (4xx, 5xx), if one did.
    public let replyCode: Int?
    /// True when the whole message was sent and no definite answer came back (the connection
    /// dropped or timed out while waiting for the final reply): the server may have accepted and
    /// will deliver it, so sending again could duplicate it. False when the server refused it or
    /// the failure came before the data was complete.
    public let dataMayHaveBeenAccepted: Bool

    public var description: String { "\(self.error) [phase: \(self.phase.rawValue)]" }
    /// True for failures worth retrying later (4xx, network); see also `dataMayHaveBeenAccepted`.
    public var isTransient: Bool { self.error.isTransient }
}

/// The server's final answer to an accepted message.
public struct SMTPReceipt: Sendable, Equatable {
    public let replyCode: Int
    /// E.g. "2.0.0 Ok: queued as 4F2B1" (useful in logs to trace the message at the server).
    public let replyText: String
}

/// Submits messages over SMTP through libcurl: implicit TLS or STARTTLS, optional AUTH (password
/// or XOAUTH2), one connection per message. Blocking: call it from a connection thread.
///
/// ```swift
/// let client = SMTPClient(endpoint: endpoint, credentials: credentials)
/// let receipt = try client.send(raw, envelope: SMTPEnvelope(sender: "", recipients: ["a@example.com"]))
/// ```
public struct SMTPClient: Sendable {
    public let endpoint: ServerEndpoint
    public let credentials: Credentials?
    /// The name sent in EHLO. curl takes it from the URL path; without one it would send the
    /// upload's name.
    public let localName: String

    public init(endpoint: ServerEndpoint, credentials: Credentials?, localName: String = "tact.local") {
        self.endpoint = endpoint
        self.credentials = credentials
        self.localName = localName
    }

    /// Sends `message` (the raw RFC 5322 bytes, CRLF line ends, ending with CRLF) to the envelope's
    /// recipients. The server receives exactly these bytes: curl dot-stuffs lines starting with
    /// "." on the wire and the server removes it again.
    ///
    /// - Throws: `SMTPFailure`: `.temporaryFailure` for 4xx replies, `.permanentFailure` for 5xx
    ///   (with the reply text), `.authenticationFailed`, `.tlsFailure`, `.unreachable`, ...
    public func send(_ message: Data, envelope: SMTPEnvelope) throws(SMTPFailure) -> SMTPReceipt {
        if let offset = Self.bareLineBreak(in: message) {
            throw SMTPFailure(
                error: TransportError(
                    .protocolViolation,
                    "the message has a bare CR or LF at byte \(offset): "
                        + "SMTP needs CRLF line ends; convert them first"),
                phase: .connecting, replyCode: nil, dataMayHaveBeenAccepted: false)
        }
        let transfer = SMTPTransfer(message: message)
        let curl: CurlEasy
        do {
            curl = try CurlEasy()
            try curl.configure(endpoint: self.endpoint, credentials: self.credentials)
        } catch {
            throw SMTPFailure(error: error, phase: .connecting, replyCode: nil, dataMayHaveBeenAccepted: false)
        }
        let recipients = CurlStringList(envelope.recipients.map { "<\($0)>" })
        curl.set(CURLOPT_URL, CurlEasy.url(scheme: "smtp", endpoint: self.endpoint, path: "/\(self.localName)"))
        // curl sends "MAIL FROM:<>" for an empty string: the null sender.
        curl.set(CURLOPT_MAIL_FROM, envelope.sender.isEmpty ? "" : "<\(envelope.sender)>")
        _ = tact_curl_setopt_slist(curl.handle, CURLOPT_MAIL_RCPT, recipients.list)
        curl.set(CURLOPT_UPLOAD, 1)
        _ = tact_curl_setopt_off_t(curl.handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        // A stalled server (less than 1 byte/s for ioTimeout) counts as dead. The low-speed check
        // covers the message data only; the wait for each command's reply (greeting, MAIL, RCPT,
        // the final reply after the data) has its own limit, which is otherwise curl's 60 s.
        let ioSeconds = max(1, Int(self.endpoint.ioTimeout.milliseconds / 1000))
        curl.set(CURLOPT_LOW_SPEED_LIMIT, 1)
        curl.set(CURLOPT_LOW_SPEED_TIME, ioSeconds)
        curl.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, ioSeconds)
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        _ = tact_curl_setopt_read_function(curl.handle, smtpReadCallback)
        _ = tact_curl_setopt_pointer(curl.handle, CURLOPT_READDATA, context)
        // The debug callback is how the reply lines and the dialogue's phase are observed; it only
        // runs with VERBOSE on, and then replaces curl's own printing.
        _ = tact_curl_setopt_debug_function(curl.handle, smtpDebugCallback)
        _ = tact_curl_setopt_pointer(curl.handle, CURLOPT_DEBUGDATA, context)
        curl.set(CURLOPT_VERBOSE, 1)

        let code = withExtendedLifetime((transfer, recipients)) { curl_easy_perform(curl.handle) }
        if code == CURLE_OK {
            let reply = transfer.lastReply ?? (250, "")
            return SMTPReceipt(replyCode: reply.code, replyText: reply.text)
        }
        throw self.failure(code, curl: curl, transfer: transfer)
    }

    private func failure(_ code: CURLcode, curl: CurlEasy, transfer: SMTPTransfer) -> SMTPFailure {
        var responseCode = 0
        _ = tact_curl_getinfo_long(curl.handle, CURLINFO_RESPONSE_CODE, &responseCode)
        let reply = transfer.lastReply
        let replyCode = reply?.code ?? (responseCode > 0 ? responseCode : nil)
        let phase = transfer.phase
        let place = "\(self.endpoint.host):\(self.endpoint.port)"
        let error: TransportError
        if code == CURLE_LOGIN_DENIED {
            error = TransportError(
                .authenticationFailed, "login to \(place) was refused: check the user name and the password or token",
                serverText: reply?.text)
        } else if let replyCode, (400..<600).contains(replyCode), transfer.lastReplyWasRefusal {
            let step: String
            switch phase {
            case .connecting: step = "the connection"
            case .authenticating: step = "the login"
            case .envelope: step = "the envelope (MAIL FROM/RCPT TO)"
            case .data: step = "DATA"
            case .afterData: step = "the message data"
            }
            if replyCode < 500 {
                error = TransportError(
                    .temporaryFailure, "\(place) deferred \(step) with \(replyCode): retry later",
                    serverText: reply?.text)
            } else {
                error = TransportError(
                    .permanentFailure,
                    "\(place) refused \(step) with \(replyCode): check the addresses and the server's reason",
                    serverText: reply?.text)
            }
        } else {
            error = curl.error(code, endpoint: self.endpoint)
        }
        let definite = transfer.lastReplyWasRefusal || code == CURLE_LOGIN_DENIED
        return SMTPFailure(
            error: error, phase: phase, replyCode: transfer.lastReplyWasRefusal ? replyCode : nil,
            dataMayHaveBeenAccepted: phase == .afterData && !definite)
    }

    /// The offset of a CR not followed by LF or an LF not preceded by CR, if any.
    static func bareLineBreak(in message: Data) -> Int? {
        var previous: UInt8 = 0
        for (offset, byte) in message.enumerated() {
            if byte == 0x0A && previous != 0x0D { return offset }
            if previous == 0x0D && byte != 0x0A { return offset - 1 }
            previous = byte
        }
        return previous == 0x0D ? message.count - 1 : nil
    }
}

/// A `curl_slist` that lives as long as this object: curl reads it during the transfer.
final class CurlStringList {
    private(set) var list: UnsafeMutablePointer<curl_slist>?

    init(_ strings: [String]) {
        for string in strings { self.list = curl_slist_append(self.list, string) }
    }

    deinit { curl_slist_free_all(self.list) }
}

/// State shared with curl's callbacks during one submission.
final class SMTPTransfer {
    let message: Data
    var offset = 0
    var phase: SMTPPhase = .connecting
    /// The last complete reply (multi-line replies joined with " ").
    var lastReply: (code: Int, text: String)?
    /// Whether that reply is a 4xx/5xx given in the current phase, i.e. the cause of a failure.
    var lastReplyWasRefusal = false
    private var pendingLines: [String] = []
    /// After QUIT (curl sends it also when closing after a failure) replies no longer matter:
    /// its 221 must not hide the refusal that ended the transaction.
    private var quitSent = false

    init(message: Data) { self.message = message }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, self.message.count - self.offset)
        if count == 0 {
            self.phase = .afterData
            return 0
        }
        self.message.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + self.offset, byteCount: count)
        }
        self.offset += count
        // Once the last byte is handed over, curl may never call again (it knows the size from
        // CURLOPT_INFILESIZE_LARGE), and the server may get the whole message: from here a lost
        // connection means the outcome is unknown. Erring this way can cost a person a retry;
        // erring the other way could answer a customer twice.
        if self.offset == self.message.count { self.phase = .afterData }
        return count
    }

    /// A command line curl sent. Only the verb is looked at: AUTH lines carry credentials.
    func sent(_ line: Substring) {
        // Characters, not bytes: "\r\n" is one Character, caught by isNewline.
        let verb = line.prefix { $0 != " " && $0 != ":" && !$0.isNewline }.uppercased()
        switch verb {
        case "EHLO", "HELO", "STARTTLS": self.phase = .connecting
        case "AUTH": self.phase = .authenticating
        case "MAIL", "RCPT": self.phase = .envelope
        case "DATA": self.phase = .data
        case "QUIT":
            self.quitSent = true
            return
        default: break
        }
        self.lastReplyWasRefusal = false
    }

    /// Reply lines from the server ("250-..." continues, "250 ..." ends a reply).
    func received(_ text: String) {
        guard !self.quitSent else { return }
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else { continue }
            let rest = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
            self.pendingLines.append(rest)
            if bytes.count > 3 && bytes[3] == UInt8(ascii: "-") { continue }
            self.lastReply = (code, ([String(code)] + self.pendingLines.filter { !$0.isEmpty }).joined(separator: " "))
            self.lastReplyWasRefusal = code >= 400
            self.pendingLines = []
        }
    }
}

private let smtpReadCallback: tact_curl_data_callback = { buffer, size, count, context in
    guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
    let transfer = Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.read(into: buffer, capacity: size * count)
}

private let smtpDebugCallback: tact_curl_debug_callback = { _, type, data, size, context in
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue()
    switch type {
    case CURLINFO_HEADER_IN:
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
        transfer.received(text)
    case CURLINFO_HEADER_OUT:
        // Only the first 16 bytes: enough for the verb, never the rest of an AUTH line.
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: min(size, 16)), as: UTF8.self)
        transfer.sent(Substring(text))
    default:
        break
    }
    return 0
}

import Foundation
import MailTransport

/// One message the sink accepted, exactly as it arrived.
public struct SMTPSinkMessage: Sendable, Equatable, Decodable {
    /// The envelope sender; "" for the null sender `<>`.
    public let mailFrom: String
    public let recipients: [String]
    /// The message bytes after SMTP's dot-unstuffing, without the terminating `.` line:
    /// what a mail server would store.
    public var raw: Data { (try? Data(contentsOf: URL(fileURLWithPath: self.rawPath))) ?? Data() }
    let rawPath: String

    enum CodingKeys: String, CodingKey {
        case mailFrom = "mail_from"
        case recipients = "rcpt_tos"
        case rawPath = "raw_path"
    }
}

/// A throwaway SMTP server (aiosmtpd, run by Debian's `/usr/bin/python3`) on a free loopback port,
/// in its own temp directory so parallel tests never collide. It records every accepted message
/// and can be told, between transactions, to answer a stage with an error (451, 550, ...).
/// Use `withSMTPSink { sink in ... }`, which stops it even when the test fails.
public final class SMTPSink: @unchecked Sendable {
    /// A point in the SMTP transaction where the sink can refuse.
    public enum Stage: String, Sendable {
        /// `MAIL FROM`.
        case mail = "MAIL"
        /// Every `RCPT TO`.
        case rcpt = "RCPT"
        /// The reply after the message data (the message has been transferred, then refused).
        case data = "DATA"
    }

    public let port: Int
    public let directory: TemporaryDirectory
    /// How the sink expects clients to connect.
    public let security: TransportSecurity
    /// The sink's self-signed certificate (for 127.0.0.1 and localhost), to trust as `caFile`;
    /// nil for a plaintext sink.
    public let caFile: String?
    private let lock = NSLock()
    private var process: Process?
    private let alsoOnUncoveredHost: Bool

    private var controlPath: String { self.directory.path + "/control" }
    private var messagesPath: String { self.directory.path + "/messages" }
    private var readyPath: String { self.directory.path + "/ready" }
    private var logPath: String { self.directory.path + "/sink.log" }

    /// Starts a sink on a free loopback port.
    ///
    /// - Parameters:
    ///   - security: plaintext, STARTTLS (required before MAIL) or implicit TLS, with a fresh
    ///     self-signed certificate for the TLS modes.
    ///   - passwords: user → password; when this or `tokens` is not empty, AUTH is required.
    ///   - tokens: user → OAuth2 bearer token accepted with AUTH XOAUTH2.
    ///   - alsoOnUncoveredHost: listen on `uncoveredHost` too (same port), which the certificate
    ///     does not name.
    public init(
        security: TransportSecurity = .plaintext, passwords: [String: String] = [:], tokens: [String: String] = [:],
        alsoOnUncoveredHost: Bool = false
    ) throws {
        self.directory = try TemporaryDirectory(prefix: "tact-smtp-sink")
        self.security = security
        self.alsoOnUncoveredHost = alsoOnUncoveredHost
        self.caFile = security == .plaintext ? nil : self.directory.path + "/cert.pem"
        do {
            self.port = try LoopbackPort.free()
            try FileManager.default.createDirectory(atPath: self.messagesPath, withIntermediateDirectories: true)
            try Self.script.write(toFile: self.directory.path + "/sink.py", atomically: true, encoding: .utf8)
            let logins = try JSONSerialization.data(withJSONObject: ["passwords": passwords, "tokens": tokens])
            try logins.write(to: URL(fileURLWithPath: self.directory.path + "/logins.json"))
            if security != .plaintext { try self.makeCertificate() }
            try self.start()
        } catch {
            self.directory.remove()
            throw error
        }
    }

    private func makeCertificate() throws {
        let openssl = try Command.locate(["/usr/bin/openssl"], package: "openssl")
        let result = try Command.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", self.directory.path + "/key.pem", "-out", self.directory.path + "/cert.pem",
                "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ])
        guard result.status == 0 else {
            throw TestSupportError("openssl could not make the sink's certificate: \(result.stderr)")
        }
    }

    deinit {
        self.stop()
        self.directory.remove()
    }

    /// (Re)starts the server on the same port, e.g. after `stop()` to simulate a sink that was down.
    public func start() throws {
        try self.lock.withLock {
            guard self.process == nil else { return }
            try? FileManager.default.removeItem(atPath: self.readyPath)
            let python = try Command.locate(["/usr/bin/python3"], package: "python3-aiosmtpd")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [
                self.directory.path + "/sink.py", String(self.port), self.directory.path, self.security.rawValue,
                self.alsoOnUncoveredHost ? "127.0.0.1,\(self.uncoveredHost)" : "127.0.0.1",
            ]
            FileManager.default.createFile(atPath: self.logPath, contents: nil)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: self.logPath))
            log.seekToEndOfFile()
            process.standardOutput = log
            process.standardError = log
            try process.run()
            self.process = process
            let deadline = Date().addingTimeInterval(15)
            while !FileManager.default.fileExists(atPath: self.readyPath) {
                guard process.isRunning, Date() < deadline else {
                    process.terminate()
                    process.waitUntilExit()
                    self.process = nil
                    let output = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
                    throw TestSupportError(
                        "the SMTP sink on 127.0.0.1:\(self.port) did not start (is python3-aiosmtpd installed? "
                            + "run scripts/install-deps): \(output.suffix(2000))")
                }
                usleep(20_000)
            }
        }
    }

    /// Stops the server; connections are refused until `start()`. Safe to call twice.
    public func stop() {
        self.lock.withLock {
            guard let process = self.process else { return }
            self.process = nil
            if process.isRunning {
                process.terminate()
                let deadline = Date().addingTimeInterval(5)
                while process.isRunning && Date() < deadline { usleep(10_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            process.waitUntilExit()
        }
    }

    /// From the next transaction on, answer `stage` with `code` and `text` (e.g. 451, "4.3.0 try later").
    public func answer(_ stage: Stage, code: Int, text: String) throws {
        var rules = self.rules()
        rules[stage] = "\(code) \(text)"
        try self.writeRules(rules)
    }

    /// From the next transaction on, close the connection at `stage` without answering (for DATA:
    /// after the whole message arrived), as a crash or a network cut would.
    public func dropConnection(at stage: Stage) throws {
        var rules = self.rules()
        rules[stage] = "drop"
        try self.writeRules(rules)
    }

    /// From the next transaction on, wait `seconds` before answering `stage` (then answer as
    /// usual): a server that stalls, for timeout tests. For DATA the wait comes after the whole
    /// message arrived.
    public func stall(at stage: Stage, seconds: Int) throws {
        var rules = self.rules()
        rules[stage] = "stall \(seconds)"
        try self.writeRules(rules)
    }

    /// A loopback address the sink also listens on that its certificate does not cover, for
    /// host-name verification tests.
    public let uncoveredHost = "127.0.0.2"

    /// From the next transaction on, accept everything again.
    public func acceptEverything() throws {
        try self.writeRules([:])
    }

    private func rules() -> [Stage: String] {
        guard let text = try? String(contentsOfFile: self.controlPath, encoding: .utf8) else { return [:] }
        var rules: [Stage: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, let stage = Stage(rawValue: String(parts[0])) { rules[stage] = String(parts[1]) }
        }
        return rules
    }

    private func writeRules(_ rules: [Stage: String]) throws {
        let text = rules.map { "\($0.key.rawValue) \($0.value)\n" }.sorted().joined()
        // Atomic, so the sink never reads half a file.
        try text.write(toFile: self.controlPath, atomically: true, encoding: .utf8)
    }

    /// Every message accepted so far, in the order accepted.
    public func messages() throws -> [SMTPSinkMessage] {
        let names = try FileManager.default.contentsOfDirectory(atPath: self.messagesPath)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(self.messagesPath)/\(name)"))
            return try JSONDecoder().decode(SMTPSinkMessage.self, from: data)
        }
    }

    /// The aiosmtpd program. A message is written as `<n>.eml`, then its envelope as `<n>.json`
    /// by rename, so a reader never sees one without the other.
    static let script = #"""
        import asyncio, base64, json, os, signal, ssl, sys
        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

        port, root, security, hosts = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4].split(",")
        with open(os.path.join(root, "logins.json")) as f:
            logins = json.load(f)
        # The parent may have blocked signals; SIGTERM is how the sink is told to stop.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
        messages = os.path.join(root, "messages")

        async def refusal(server, stage):
            """The configured answer for stage, or None to go on. "drop" closes the connection
            without answering, as a crash or network cut would; "stall N" waits N seconds, then
            goes on."""
            answer = rule(stage)
            if answer == "drop":
                server.transport.abort()
                return "421 connection dropped"
            if answer and answer.startswith("stall "):
                await asyncio.sleep(float(answer.split()[1]))
                return None
            return answer

        def rule(stage):
            try:
                with open(os.path.join(root, "control")) as f:
                    for line in f:
                        name, _, answer = line.strip().partition(" ")
                        if name == stage and answer:
                            return answer
            except FileNotFoundError:
                pass
            return None

        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and \
                logins["passwords"].get(data.login.decode()) == data.password.decode()
            return AuthResult(success=ok, handled=False)

        class Handler:
            def __init__(self):
                self.count = len([n for n in os.listdir(messages) if n.endswith(".json")])

            async def auth_XOAUTH2(self, server, args):
                if len(args) > 1:
                    response = base64.b64decode(args[1])
                else:
                    response = await server.challenge_auth("")
                    if not isinstance(response, bytes):
                        return AuthResult(success=False)
                fields = dict(p.split("=", 1) for p in response.decode().split("\x01") if "=" in p)
                token = fields.get("auth", "")
                token = token[len("Bearer "):] if token.startswith("Bearer ") else None
                ok = token is not None and logins["tokens"].get(fields.get("user")) == token
                return AuthResult(success=ok, handled=False)

            async def handle_MAIL(self, server, session, envelope, address, options):
                answer = await refusal(server, "MAIL")
                if answer:
                    return answer
                envelope.mail_from = address
                envelope.mail_options.extend(options)
                return "250 OK"

            async def handle_RCPT(self, server, session, envelope, address, options):
                answer = await refusal(server, "RCPT")
                if answer:
                    return answer
                envelope.rcpt_tos.append(address)
                envelope.rcpt_options.extend(options)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                answer = await refusal(server, "DATA")
                if answer:
                    return answer
                self.count += 1
                base = os.path.join(messages, "%06d" % self.count)
                with open(base + ".eml", "wb") as f:
                    f.write(envelope.original_content)
                # aiosmtpd keeps the null sender as "<>"; recorded as "", as SMTPEnvelope spells it.
                sender = "" if envelope.mail_from == "<>" else envelope.mail_from
                record = {"mail_from": sender, "rcpt_tos": envelope.rcpt_tos, "raw_path": base + ".eml"}
                with open(base + ".tmp", "w") as f:
                    json.dump(record, f)
                os.rename(base + ".tmp", base + ".json")
                return "250 OK queued as %d" % self.count

        async def main():
            loop = asyncio.get_running_loop()
            handler = Handler()
            options = dict(hostname="sink.tact.test", enable_SMTPUTF8=True)
            context = None
            if security != "plain":
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                context.load_cert_chain(os.path.join(root, "cert.pem"), os.path.join(root, "key.pem"))
            if security == "starttls":
                options.update(tls_context=context, require_starttls=True)
            if logins["passwords"] or logins["tokens"]:
                # TLS is checked by the client's policy; the sink also takes AUTH on plain loopback.
                options.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
            server = await loop.create_server(
                lambda: SMTP(handler, **options), hosts, port, reuse_address=True,
                ssl=context if security == "tls" else None)
            stop = asyncio.Event()
            loop.add_signal_handler(signal.SIGTERM, stop.set)
            open(os.path.join(root, "ready"), "w").close()
            await stop.wait()
            server.close()

        asyncio.run(main())
        """#
}

/// Runs `body` with a fresh SMTP sink and stops the sink afterwards, also when `body` throws.
public func withSMTPSink<T>(
    security: TransportSecurity = .plaintext, passwords: [String: String] = [:], tokens: [String: String] = [:],
    _ body: (SMTPSink) async throws -> T
) async throws -> T {
    let sink = try SMTPSink(security: security, passwords: passwords, tokens: tokens)
    defer { sink.stop() }
    return try await body(sink)
}

import Foundation
import MailTransport

/// A throwaway Dovecot IMAP server for tests: everything lives in one temp directory, listeners
/// are on free loopback ports, and the instance name is unique, so parallel tests never collide.
///
/// Use it through `withDovecot { dovecot in ... }`, which stops the server and removes its files
/// even when the body throws. Needs root (Dovecot drops to its own users) and `dovecot-imapd`.
public final class Dovecot: @unchecked Sendable {
    /// The test user's login name and password.
    public let user = "test"
    public let password = "secret-Pa55"
    /// The plain listener (it also offers STARTTLS) and the implicit-TLS listener on 127.0.0.1.
    public let plainPort: Int
    public let tlsPort: Int
    /// The self-signed certificate (SAN: 127.0.0.1, localhost); tests pass it as `caFile`.
    public let certificatePath: String
    /// Host name the certificate does not cover but the TLS listener answers on (127.0.0.2).
    public let uncoveredHost = "127.0.0.2"
    public let directory: TemporaryDirectory
    private let configPath: String
    private let dovecotBinary: String
    private let doveadmBinary: String

    /// Writes the configuration and certificate and starts the server.
    /// - Parameter advertiseIdle: false makes Dovecot leave IDLE out of its capabilities, so the
    ///   client's polling fallback can be tested.
    /// - Parameter capabilities: when given, exactly what Dovecot announces (`imap_capability`),
    ///   e.g. without UIDPLUS to try a client's fallback.
    public init(advertiseIdle: Bool = true, capabilities: String? = nil) throws {
        self.dovecotBinary = try Command.locate(["/usr/sbin/dovecot"], package: "dovecot-imapd")
        self.doveadmBinary = try Command.locate(["/usr/bin/doveadm"], package: "dovecot-core")
        self.directory = try TemporaryDirectory(prefix: "tact-dovecot")
        self.plainPort = try LoopbackPort.free()
        var tls = try LoopbackPort.free()
        while tls == self.plainPort { tls = try LoopbackPort.free() }
        self.tlsPort = tls
        let d = self.directory.path
        self.certificatePath = "\(d)/cert.pem"
        self.configPath = "\(d)/dovecot.conf"
        // Dovecot's processes run as mail/dovecot/dovenull: they must be able to reach the dir.
        try Command.run("/bin/chmod", ["755", d])
        let made = try Command.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", "\(d)/key.pem", "-out", self.certificatePath,
            ])
        guard made.status == 0 else { throw TestSupportError("openssl req failed: \(made.stderr)") }
        for sub in ["run", "state", "mail/test"] {
            try FileManager.default.createDirectory(atPath: "\(d)/\(sub)", withIntermediateDirectories: true)
        }
        try "\(self.user):{PLAIN}\(self.password):8:8::\(d)/mail/test::\n"
            .write(toFile: "\(d)/users", atomically: true, encoding: .utf8)
        let capability = capabilities.map { "imap_capability = \($0)\n" }
            ?? (advertiseIdle ? "" : "imap_capability = IMAP4rev1 LITERAL+ UIDPLUS CONDSTORE\n")
        let config = """
            base_dir = \(d)/run
            state_dir = \(d)/state
            instance_name = tact-test-\(self.plainPort)-\(UUID().uuidString.prefix(6))
            protocols = imap
            listen = 127.0.0.1
            log_path = \(d)/dovecot.log
            ssl = yes
            ssl_cert = <\(d)/cert.pem
            ssl_key = <\(d)/key.pem
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_internal_user = dovecot
            default_internal_group = dovecot
            default_login_user = dovenull
            first_valid_uid = 8
            mail_location = maildir:\(d)/mail/%u
            \(capability)namespace inbox {
              inbox = yes
              mailbox Drafts {
                special_use = \\Drafts
                auto = create
              }
              mailbox Sent {
                special_use = \\Sent
                auto = create
              }
            }
            passdb {
              driver = passwd-file
              args = scheme=PLAIN \(d)/users
            }
            userdb {
              driver = passwd-file
              args = \(d)/users
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = \(self.plainPort)
              }
              inet_listener imaps {
                address = 127.0.0.1, 127.0.0.2
                port = \(self.tlsPort)
                ssl = yes
              }
            }

            """
        try config.write(toFile: self.configPath, atomically: true, encoding: .utf8)
        try Command.run("/bin/chown", ["-R", "mail:mail", "\(d)/mail"])
        try self.start()
    }

    /// The running master process (`dovecot -F`: in the foreground, so it is our child and
    /// stopping it never depends on pid files).
    private var master: Process?

    /// Starts (or restarts) the server on the same ports.
    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.dovecotBinary)
        process.arguments = ["-F", "-c", self.configPath]
        let startLog = "\(self.directory.path)/start.log"
        FileManager.default.createFile(atPath: startLog, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: startLog))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.master = process
        do {
            try LoopbackPort.waitUntilListening(self.plainPort)
            try LoopbackPort.waitUntilListening(self.tlsPort)
        } catch {
            let text = (try? String(contentsOfFile: startLog, encoding: .utf8)) ?? ""
            try? self.stop()
            throw TestSupportError("dovecot did not start: \(error) \(text) \(self.log)")
        }
    }

    /// Stops the server and waits until it has exited (an outage, as far as clients see).
    public func stop() throws {
        guard let master = self.master else { return }
        self.master = nil
        master.terminate()
        let clock = ContinuousClock()
        var deadline = clock.now.advanced(by: .milliseconds(300))
        while master.isRunning && clock.now < deadline { usleep(5_000) }
        // Spawned from the test process, the master may inherit a signal mask that holds SIGTERM
        // back; SIGKILL cannot be held back, and Dovecot's children exit when their master dies.
        // The pid file names the real master (it may differ from the process we spawned).
        let pidText = (try? String(contentsOfFile: "\(self.directory.path)/run/master.pid", encoding: .utf8)) ?? ""
        let pid = Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? master.processIdentifier
        // Its children (imap, imap-login, auth) would keep serving open connections: kill them too,
        // so that clients see the outage.
        for child in Self.descendants(of: pid) { kill(child, SIGKILL) }
        kill(pid, SIGKILL)
        if master.isRunning { kill(master.processIdentifier, SIGKILL) }
        deadline = clock.now.advanced(by: .seconds(10))
        while Self.isAlive(pid) && clock.now < deadline { usleep(5_000) }
        if Self.isAlive(pid) {
            throw TestSupportError("dovecot did not stop within 10 s: \(self.log)")
        }
        // Its children (imap, imap-login) end with it; wait until the port is really closed.
        while LoopbackPort.canConnect(self.plainPort) && clock.now < deadline { usleep(10_000) }
        try? FileManager.default.removeItem(atPath: "\(self.directory.path)/run/master.pid")
    }

    /// Every process below `pid`, read from /proc.
    private static func descendants(of pid: Int32) -> [Int32] {
        var parents: [Int32: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[child] = parent }
        }
        var result: [Int32] = []
        var frontier = [pid]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            result += children
            frontier += children
        }
        return result
    }

    /// False once the process is gone or a zombie (dead, not yet reaped by Foundation).
    private static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }

    /// The server's log, for failure messages.
    public var log: String {
        (try? String(contentsOfFile: "\(self.directory.path)/dovecot.log", encoding: .utf8)) ?? ""
    }

    /// An endpoint for the given security mode, trusting the test certificate.
    public func endpoint(_ security: TransportSecurity, host: String = "127.0.0.1", trustCertificate: Bool = true)
        -> ServerEndpoint
    {
        ServerEndpoint(
            host: host, port: security == .implicitTLS ? self.tlsPort : self.plainPort, security: security,
            caFile: trustCertificate ? self.certificatePath : nil, connectTimeout: .seconds(5),
            ioTimeout: .seconds(20))
    }

    /// The test user's credentials (or a wrong password).
    public func credentials(password: String? = nil) -> Credentials {
        Credentials(user: self.user, secret: .literal(Secret(password ?? self.password)))
    }

    /// Runs `doveadm` on this server for the test user (`doveadm -c CONF VERB -u test ARGS`), e.g.
    /// `doveadm("mailbox create", ["Support"])`; fails unless it exits 0.
    @discardableResult
    public func doveadm(_ verb: String, _ arguments: [String]) throws -> String {
        let words = verb.split(separator: " ").map(String.init)
        let result = try Command.run(self.doveadmBinary, ["-c", self.configPath] + words + ["-u", self.user] + arguments)
        guard result.status == 0 else { throw TestSupportError("doveadm \(verb) \(arguments) failed: \(result.stderr)") }
        return result.stdout
    }

    /// The UIDs in `mailbox` whose `header` contains `value`, found by Dovecot itself.
    public func search(header: String, contains value: String, mailbox: String = "INBOX") throws -> [UInt32] {
        try self.search(["header", header, value], mailbox: mailbox)
    }

    /// How many messages `mailbox` holds, counted by Dovecot.
    public func count(mailbox: String = "INBOX") throws -> Int {
        try self.search(["all"], mailbox: mailbox).count
    }

    /// Delivers one raw message to `mailbox` through Dovecot itself (`doveadm save`).
    public func deliver(_ message: [UInt8], to mailbox: String = "INBOX") throws {
        let result = try Command.run(
            self.doveadmBinary, ["-c", self.configPath, "save", "-u", self.user, "-m", mailbox], input: Data(message))
        guard result.status == 0 else { throw TestSupportError("doveadm save failed: \(result.stderr)") }
    }

    /// Writes `count` messages straight into the maildir of `mailbox` (default INBOX; another
    /// folder is created; seconds for 100,000); Dovecot gives them UIDs in file-name order at the
    /// next SELECT. `body(i)` makes message i (LF line ends).
    public func bulkLoad(count: Int, mailbox: String = "INBOX", body: (Int) -> [UInt8]) throws {
        // Maildir++: INBOX is the root, every other folder a ".Name" directory beside cur/.
        let folder = mailbox == "INBOX" ? "" : "/.\(mailbox)"
        let cur = "\(self.directory.path)/mail/test\(folder)/cur"
        for sub in ["new", "tmp"] {
            try FileManager.default.createDirectory(
                atPath: "\(self.directory.path)/mail/test\(folder)/\(sub)", withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(atPath: cur, withIntermediateDirectories: true)
        for i in 0..<count {
            let bytes = body(i)
            // Zero-padded so that name order is delivery order. W= is the CRLF size, as Dovecot
            // itself writes it, so RFC822.SIZE needs no reading of the file.
            let lineFeeds = bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            let name = String(format: "1700000000.M%09dP1.tact,S=%d,W=%d:2,", i, bytes.count, bytes.count + lineFeeds)
            // Plain open/write/close: FileManager's createFile syncs every file to disk, which
            // turns seconds into minutes on a busy disk (a test mailbox needs no durability).
            let fd = open("\(cur)/\(name)", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw TestSupportError("cannot write \(cur)/\(name): \(String(cString: strerror(errno)))") }
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            guard written == bytes.count else { throw TestSupportError("short write to \(cur)/\(name)") }
        }
        try Command.run("/bin/chown", ["-R", "mail:mail", "\(self.directory.path)/mail"])
    }

    /// The flags Dovecot stores for `uid` in `mailbox`, read with `doveadm fetch` (not our client).
    public func flags(uid: UInt32, mailbox: String = "INBOX") throws -> Set<String> {
        let result = try Command.run(
            self.doveadmBinary,
            ["-c", self.configPath, "fetch", "-u", self.user, "flags", "mailbox", mailbox, "uid", "\(uid)"])
        guard result.status == 0 else { throw TestSupportError("doveadm fetch failed: \(result.stderr)") }
        guard let line = result.stdout.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("flags:") }) else {
            throw TestSupportError("no message with UID \(uid) in \(mailbox): \(result.stdout)")
        }
        // \\Recent is per-session state, not a stored flag.
        return Set(line.dropFirst("flags:".count).split(separator: " ").map(String.init)).subtracting(["\\Recent"])
    }

    /// The UIDs in `mailbox` matching a `doveadm search` query (e.g. `["header", "Message-ID",
    /// "x@y"]`, or `["all"]`), read by Dovecot itself, not our client.
    public func search(_ query: [String], mailbox: String = "INBOX") throws -> [UInt32] {
        let result = try Command.run(
            self.doveadmBinary, ["-c", self.configPath, "search", "-u", self.user, "mailbox", mailbox] + query)
        guard result.status == 0 else { throw TestSupportError("doveadm search failed: \(result.stderr)") }
        // One "<mailbox-guid> <uid>" line per match.
        return result.stdout.split(whereSeparator: \.isNewline).compactMap { line in
            line.split(separator: " ").last.flatMap { UInt32($0) }
        }.sorted()
    }

    /// Stops the server and removes its files.
    public func tearDown() {
        _ = try? self.stop()
        self.directory.remove()
    }
}

/// Runs `body` with a fresh Dovecot and tears it down afterwards, whether `body` returns or throws.
public func withDovecot<T>(
    advertiseIdle: Bool = true, capabilities: String? = nil, _ body: (Dovecot) async throws -> T
) async throws -> T {
    let dovecot = try Dovecot(advertiseIdle: advertiseIdle, capabilities: capabilities)
    defer { dovecot.tearDown() }
    return try await body(dovecot)
}

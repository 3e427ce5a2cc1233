import Configuration
import Daemon
import Foundation
import MailTransport
import Store
import TactTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The mail service being measured: something that watches every configured mailbox and turns
/// new mail into queued drafts in the configuration's store, running as process `pid`.
///
/// `SpawnedService` is the real thing, `.build/release/tact run` (the idle benchmark measures it,
/// its outbox, watchdog and retention tasks included, and so does the latency benchmark under IDLE
/// and whole-second polling). `InProcessService` runs the building blocks of its mailbox loops
/// (`IMAPSession.waitForNewMail` + `MailboxWorker.pass`) inside this process; the latency
/// benchmark uses it to poll more often than `tact run`'s smallest `poll_interval_seconds` (1 s).
protocol MailService: AnyObject {
    var pid: pid_t { get }
    func start() async throws
    func stop() async
}

final class InProcessService: MailService, @unchecked Sendable {
    let configuration: TactConfiguration
    let pollInterval: Duration
    var pid: pid_t { getpid() }
    private var loops: [Task<Void, Never>] = []
    private var sessions: [IMAPSession] = []

    init(configuration: TactConfiguration, pollInterval: Duration) {
        self.configuration = configuration
        self.pollInterval = pollInterval
    }

    func start() async throws {
        let shared = try Pipeline.shared(self.configuration)
        let store = try SQLiteStore(path: self.configuration.daemon.storePath)
        for mailbox in self.configuration.mailboxes {
            let session = IMAPSession(
                endpoint: mailbox.endpoint, credentials: mailbox.credentials, pollInterval: self.pollInterval)
            let worker = MailboxWorker(
                configuration: mailbox,
                processor: try Pipeline.processor(for: mailbox, configuration: self.configuration, shared: shared, store: store),
                session: session)
            // The first pass remembers where the mailbox stands (nothing already there is answered).
            _ = try await worker.pass(now: { Date() })
            self.sessions.append(session)
            self.loops.append(Task {
                while !Task.isCancelled {
                    do {
                        if case .newMail = try await session.waitForNewMail(timeout: .seconds(25 * 60)) {
                            _ = try await worker.pass(now: { Date() })
                        }
                    } catch {
                        if Task.isCancelled { break }
                        FileHandle.standardError.write(Data("service: \(mailbox.name): \(error)\n".utf8))
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            })
        }
    }

    func stop() async {
        for loop in self.loops { loop.cancel() }
        for loop in self.loops { await loop.value }
        for session in self.sessions { await session.close() }
    }
}

/// `.build/release/tact run --config PATH`, stopped with SIGTERM. Started once every mailbox has
/// its baseline in the store (the first pass, including Dovecot's indexing at the first SELECT).
final class SpawnedService: MailService, @unchecked Sendable {
    let configuration: TactConfiguration
    let configPath: String
    private var process: Process?
    var pid: pid_t { self.process?.processIdentifier ?? 0 }
    var logPath: String { self.configuration.daemon.stateDirectory + "/tact-run.log" }

    init(configuration: TactConfiguration, configPath: String) {
        self.configuration = configuration
        self.configPath = configPath
    }

    func start() async throws {
        let tact = "\(repositoryRoot)/.build/release/tact"
        guard FileManager.default.isExecutableFile(atPath: tact) else {
            throw BenchError("\(tact) is missing: build it first (swift build -c release --product tact)")
        }
        FileManager.default.createFile(atPath: self.logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tact)
        process.arguments = ["run", "--config", self.configPath]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: self.logPath)
        try process.run()
        self.process = process
        let clock = ContinuousClock()
        let started = clock.now
        let storePath = self.configuration.daemon.storePath
        while true {
            guard process.isRunning else {
                let log = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
                throw BenchError("tact run exited with status \(process.terminationStatus):\n\(log)")
            }
            if FileManager.default.fileExists(atPath: storePath), let store = try? SQLiteStore(path: storePath),
                self.configuration.mailboxes.allSatisfy({ (try? store.mailboxState($0.name)) != nil })
            {
                return
            }
            if clock.now - started > .seconds(1800) { throw BenchError("tact run did not baseline its mailboxes in 30 minutes") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func stop() async {
        guard let process = self.process, process.isRunning else { return }
        process.terminate()  // SIGTERM: the service finishes the batch in hand and exits
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}

/// `latency [deliveries] [poll-seconds]`: mails APPENDed one at a time (by another IMAP
/// connection) → their draft in the store (read by another store connection every ms), p50/p99,
/// under IDLE and under polling every `poll-seconds` (default 1 s; the server stops offering IDLE).
/// Deliveries are spaced by a deterministic pseudo-random pause (10 ms plus up to one poll
/// interval, or up to 50 ms under IDLE), so they fall at every phase of the polling cycle.
var latencyBenchmark: Benchmark {
    Benchmark(name: "latency", summary: "APPEND -> queued draft, p50/p99 over 200 deliveries, IDLE and polling [n] [poll-s]") {
        arguments in
        let given = try Positional(arguments, usage: "latency [deliveries] [poll-seconds]", atMost: 2)
        let (deliveries, poll) = (try given.integer(0, "deliveries", or: 200), try given.seconds(1, "poll-seconds", or: 1))
        guard poll >= 0.001 else { throw BenchError("poll-seconds \(poll) is under a millisecond: usage \(given.usage)") }
        for idle in [true, false] {
            let label = idle ? "IDLE" : "polling every \(format(poll, 2)) s"
            let latencies = try await measureLatency(deliveries: deliveries, idle: idle, poll: .milliseconds(Int(poll * 1000)))
            print("latency (\(label)): p50 \(format(percentile(latencies, 50))) ms, p99 \(format(percentile(latencies, 99))) ms, "
                + "max \(format(latencies.max() ?? .nan)) ms over \(latencies.count) deliveries")
        }
    }
}

func measureLatency(deliveries: Int, idle: Bool, poll: Duration) async throws -> [Double] {
    let mail = try BenchMail(size: 1500)
    // Customer mail from distinct senders (each gets a draft), no attachment.
    let indices = (100..<1_000_000).lazy.filter { BenchMail.kind($0) == .customer }.prefix(deliveries)
    return try await withDovecot(advertiseIdle: idle) { dovecot in
        let directory = try TemporaryDirectory(prefix: "tact-bench")
        defer { directory.remove() }
        // The real `tact run` under IDLE and for whole-second polling; the in-process loops for
        // polling more often than `tact run` can (its smallest poll_interval_seconds is 1).
        let wholeSeconds = poll.components.attoseconds == 0 && poll >= .seconds(1)
        // Configured as installed: approved replies would go to a throwaway SMTP sink.
        let smtp = try SMTPSink()
        defer { smtp.stop() }
        let configuration = try writeBenchConfiguration(
            in: directory.path, dovecot: dovecot,
            daemonSettings: wholeSeconds ? "poll_interval_seconds = \(poll.components.seconds)" : "", smtp: smtp)
        let service: any MailService = idle || wholeSeconds
            ? SpawnedService(configuration: configuration, configPath: directory.path + "/tact.toml")
            : InProcessService(configuration: configuration, pollInterval: poll)
        print("latency (\(idle ? "IDLE" : "polling")): measuring \(service is SpawnedService ? "tact run" : "the mailbox loop in-process")")
        try await service.start()
        let observer = try SQLiteStore(path: configuration.daemon.storePath)
        let appender = IMAPSession(endpoint: dovecot.endpoint(.plaintext), credentials: dovecot.credentials())
        let clock = ContinuousClock()
        var latencies: [Double] = []
        var random = ClassifyBenchmarkMail.SplitMix(seed: 9)
        let spread = idle ? 0.05 : poll.seconds
        do {
            for index in indices {
                let before = try observer.draftCounts()[.queued] ?? 0
                let started = clock.now
                _ = try await appender.append(to: "INBOX", message: mail.message(index))
                while try (observer.draftCounts()[.queued] ?? 0) <= before {
                    if clock.now - started > .seconds(30) {
                        throw BenchError("mail \(index) was not drafted within 30 s (IDLE: \(idle))")
                    }
                    try await Task.sleep(for: .milliseconds(1))
                }
                latencies.append((clock.now - started).seconds * 1000)
                let pause = 0.01 + Double(random.next() % 1_000_000) / 1_000_000 * spread
                try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            }
            // The rest of the job once: a draft approved as an agent does (`tact queue approve`,
            // which wakes the service) until the sink has the reply.
            if let spawned = service as? SpawnedService, let draft = try observer.drafts(in: .queued).first {
                let approving = clock.now
                let approved = try Command.run(
                    "\(repositoryRoot)/.build/release/tact",
                    ["queue", "approve", "\(draft.id)", "--config", spawned.configPath, "--as", "bench"])
                guard approved.status == 0 else { throw BenchError("tact queue approve failed: \(approved.stderr)") }
                while try smtp.messages().isEmpty {
                    if clock.now - approving > .seconds(30) { throw BenchError("the approved reply was not sent within 30 s") }
                    try await Task.sleep(for: .milliseconds(1))
                }
                print("latency (\(idle ? "IDLE" : "polling")): tact queue approve → reply at the SMTP sink: "
                    + "\(format((clock.now - approving).seconds * 1000)) ms (one reply, the CLI's start included)")
            }
        } catch {
            await service.stop()
            throw error
        }
        await service.stop()
        await appender.close()
        return latencies
    }
}

/// `idle [seconds] [messages] [poll-seconds]`: 5 mailboxes (folders) of `messages` (default
/// 100,000) each, nothing new, watched by the real `tact run` for `seconds` (default 60) under
/// IDLE, then under polling every `poll-seconds` (default 30, whole seconds): the service's CPU
/// seconds (/proc/PID/stat, user + system, every thread) and the bytes both ways between it and
/// Dovecot, counted by a loopback proxy in this process (IMAP payload bytes, no TCP/IP headers),
/// per minute; RSS at the end.
var idleBenchmark: Benchmark {
    Benchmark(name: "idle", summary: "CPU and bytes per minute, 5 idle mailboxes of 100,000, IDLE and polling [s] [n] [poll-s]") {
        arguments in
        let modes = arguments.contains("idle-only") ? [true] : arguments.contains("poll-only") ? [false] : [true, false]
        let given = try Positional(
            arguments.filter { $0 != "idle-only" && $0 != "poll-only" },
            usage: "idle [seconds] [messages] [poll-seconds] [idle-only|poll-only]", atMost: 3)
        let seconds = try given.seconds(0, "seconds", or: 60)
        let (messages, poll) = (try given.integer(1, "messages", or: 100_000), try given.seconds(2, "poll-seconds", or: 30))
        print("idle: RSS of this process at start \(format(ProcessProbe.rssMB())) MB")
        for idle in modes {
            let figures = try await measureIdle(seconds: seconds, messages: messages, idle: idle, poll: poll, verbose: true)
            let label = idle ? "IDLE" : "polling every \(max(1, Int(poll.rounded()))) s"
            print("idle (\(label)): \(format(figures.cpuSeconds, 3)) CPU s in \(format(figures.elapsed)) s = "
                + "\(format(figures.percentOfCore, 3))% of a core, \(format(figures.cpuSeconds * figures.perMinute, 3)) CPU s/min; "
                + "wire: \(Int(Double(figures.bytesUp) * figures.perMinute)) B/min to the server, "
                + "\(Int(Double(figures.bytesDown) * figures.perMinute)) B/min from it; RSS \(format(figures.rss)) MB "
                + "(of which anonymous \(format(figures.anonymous)) MB; the rest is shared library code)")
        }
    }
}

/// What an idle service cost over the measured time.
struct IdleFigures {
    var cpuSeconds = 0.0
    var elapsed = 0.0
    var bytesUp = 0
    var bytesDown = 0
    var rss = 0.0
    var anonymous = 0.0

    var perMinute: Double { 60 / self.elapsed }
    var percentOfCore: Double { self.cpuSeconds / self.elapsed * 100 }
}

/// 5 folders of `messages` each, nothing new, watched by the real `tact run` for `seconds` under
/// IDLE (`idle`) or polling every `poll` seconds (whole seconds, at least 1).
func measureIdle(seconds: Double, messages: Int, idle: Bool, poll: Double, verbose: Bool) async throws -> IdleFigures {
    try await withDovecot(advertiseIdle: idle) { dovecot in
        let folders = (1...5).map { "box\($0)" }
        let clock = ContinuousClock()
        let loadStart = clock.now
        // One folder is written; the other four get hard links to its files (creating
        // 500,000 files on this shared disk took many minutes). Dovecot indexes each folder
        // on its own either way.
        try dovecot.bulkLoad(count: messages, mailbox: folders[0]) { i in
            Array("From: c\(i)@example.org\nSubject: m\(i)\nMessage-ID: <\(i)@bench>\n\nbody \(i)\n".utf8)
        }
        let root = "\(dovecot.directory.path)/mail/test"
        for folder in folders.dropFirst() {
            let copied = try Command.run("/bin/cp", ["-al", "\(root)/.\(folders[0])", "\(root)/.\(folder)"])
            guard copied.status == 0 else { throw BenchError("cannot link \(folder): \(copied.stderr)") }
        }
        let proxy = try CountingProxy(target: dovecot.plainPort)
        defer { proxy.close() }
        let directory = try TemporaryDirectory(prefix: "tact-bench")
        defer { directory.remove() }
        let smtp = try SMTPSink()
        defer { smtp.stop() }
        let configuration = try writeBenchConfiguration(
            in: directory.path, dovecot: dovecot, port: proxy.port, folders: folders,
            daemonSettings: "poll_interval_seconds = \(max(1, Int(poll.rounded())))", smtp: smtp)
        let service = SpawnedService(configuration: configuration, configPath: directory.path + "/tact.toml")
        try await service.start()  // includes Dovecot's indexing of each folder at the first SELECT
        if verbose {
            print("idle: tact run (pid \(service.pid)) started; RSS \(format(ProcessProbe.rssMB(pid: service.pid))) MB")
            print("idle: 5 mailboxes x \(messages) messages loaded and baselined in \(format((clock.now - loadStart).seconds)) s")
        }
        var figures = IdleFigures()
        do {
            try await Task.sleep(for: .seconds(3))
            let cpuStart = ProcessProbe.cpuSeconds(pid: service.pid)
            let bytesStart = proxy.bytes
            let started = clock.now
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            figures.elapsed = (clock.now - started).seconds
            figures.cpuSeconds = ProcessProbe.cpuSeconds(pid: service.pid) - cpuStart
            let bytes = proxy.bytes
            figures.bytesUp = bytes.up - bytesStart.up
            figures.bytesDown = bytes.down - bytesStart.down
            figures.rss = ProcessProbe.rssMB(pid: service.pid)
            figures.anonymous = ProcessProbe.statusMB("RssAnon", pid: service.pid)
        } catch {
            await service.stop()
            throw error
        }
        await service.stop()
        return figures
    }
}

/// A loopback TCP proxy in front of Dovecot that counts the bytes it passes each way.
final class CountingProxy: @unchecked Sendable {
    let port: Int
    private let target: Int
    private let listener: Int32
    private let lock = NSLock()
    private var up = 0
    private var down = 0
    private var closed = false

    var bytes: (up: Int, down: Int) { self.lock.withLock { (self.up, self.down) } }

    init(target: Int) throws {
        self.target = target
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw BenchError("the counting proxy cannot listen on 127.0.0.1") }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { self.acceptLoop() }
    }

    func close() {
        self.lock.withLock { self.closed = true }
        shutdown(self.listener, Int32(SHUT_RDWR))
        _ = Glibc.close(self.listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(self.listener, nil, nil)
            guard client >= 0 else {
                if self.lock.withLock({ self.closed }) { return }
                continue
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(self.target).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                _ = Glibc.close(client)
                _ = Glibc.close(server)
                continue
            }
            Thread.detachNewThread { self.pump(from: client, to: server, upstream: true) }
            Thread.detachNewThread { self.pump(from: server, to: client, upstream: false) }
        }
    }

    private func pump(from source: Int32, to sink: Int32, upstream: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if read <= 0 { break }
            self.lock.withLock { if upstream { self.up += read } else { self.down += read } }
            var sent = 0
            while sent < read {
                let n = buffer.withUnsafeBytes { send(sink, $0.baseAddress! + sent, read - sent, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
            if sent < read { break }
        }
        shutdown(sink, Int32(SHUT_WR))
        shutdown(source, Int32(SHUT_RD))
        // The server-to-client pump ends last in practice (the server closes after LOGOUT): it
        // closes both sockets.
        if !upstream {
            _ = Glibc.close(source)
            _ = Glibc.close(sink)
        }
    }
}

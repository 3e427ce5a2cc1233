import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notify socket: it collects every datagram the
/// daemon sends (`READY=1`, `STATUS=…`), in order.
public final class NotifyListener: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private let received = LockedBox<[String]>([])
    private let reader: Thread

    public init(directory: String) throws {
        self.path = directory + "/notify.sock"
        unlink(self.path)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(self.path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw TestSupportError("bind \(self.path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        let received = self.received
        self.reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { return }
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                var list = received.value
                list.append(text)
                received.value = list
            }
        }
        self.reader.start()
    }

    /// Every datagram so far, oldest first.
    public var messages: [String] { self.received.value }

    public func close() {
        shutdown(self.fd, Int32(SHUT_RDWR))
        Glibc.close(self.fd)
        unlink(self.path)
    }
}

/// A `tact run` started in the background, for tests that signal, kill and restart the daemon.
/// Its stderr (the event log) goes to a file that `log` reads.
public final class DaemonProcess: @unchecked Sendable {
    public let process = Process()
    public let logPath: String

    public init(arguments: [String], environment: [String: String] = [:], logPath: String) throws {
        self.logPath = logPath
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        self.process.executableURL = URL(fileURLWithPath: TactBinary.path)
        self.process.arguments = ["run"] + arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        self.process.environment = merged
        self.process.standardOutput = log
        self.process.standardError = log
        self.process.standardInput = FileHandle.nullDevice
        try self.process.run()
    }

    public var pid: Int32 { self.process.processIdentifier }
    public var log: String { (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? "" }

    public func signal(_ number: Int32) { kill(self.pid, number) }

    /// Whether this process has logged its `started` event (its signal handlers are installed).
    public var hasStarted: Bool { self.log.contains("<6>started ") && self.log.contains("pid=\(self.pid)") }

    /// Waits for the process to end; nil if it is still running after `timeout`.
    public func waitForExit(timeout: Duration) -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while self.process.isRunning && clock.now < deadline { usleep(10_000) }
        return self.process.isRunning ? nil : self.process.terminationStatus
    }

    /// SIGKILL, and waits for it to be gone.
    public func kill9() {
        kill(self.pid, SIGKILL)
        _ = self.waitForExit(timeout: .seconds(10))
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
@discardableResult
public func eventually(timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

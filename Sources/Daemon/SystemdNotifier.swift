import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The `sd_notify` protocol, spoken directly: one datagram per state change to the socket named in
/// `$NOTIFY_SOCKET` (a path, or an abstract name starting with `@`). Outside systemd the variable is
/// unset and every call does nothing.
public final class SystemdNotifier: Sendable {
    private let socketAddress: String?
    /// How often to ping the watchdog: half of `$WATCHDOG_USEC`, as sd_watchdog_enabled(3) advises.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let address = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        self.socketAddress = address
        if let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0,
            environment["WATCHDOG_PID"].map({ Int32($0) == getpid() }) ?? true
        {
            self.watchdogInterval = .microseconds(microseconds / 2)
        } else {
            self.watchdogInterval = nil
        }
    }

    public var isActive: Bool { self.socketAddress != nil }

    public func ready(status: String? = nil) { self.send(["READY=1"] + (status.map { ["STATUS=\($0)"] } ?? [])) }
    public func status(_ text: String) { self.send(["STATUS=\(text)"]) }
    public func watchdog() { self.send(["WATCHDOG=1"]) }
    public func stopping() { self.send(["STOPPING=1"]) }

    /// RELOADING=1 with the monotonic timestamp systemd 253+ expects (older versions ignore it).
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        self.send(["RELOADING=1", "MONOTONIC_USEC=\(microseconds)"])
    }

    /// Sends the assignments as one datagram. Failures are ignored on purpose: systemd going away
    /// must never stop the daemon from working.
    public func send(_ assignments: [String]) {
        guard let path = self.socketAddress else { return }
        // Status text from outside (an error message) must not add assignments: one line each.
        let message = assignments.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        _ = message.withCString { text in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, text, strlen(text), Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
    }
}

import Foundation
import TactTestSupport
import Testing

@testable import Daemon

#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notify socket.
final class FakeNotifySocket {
    let path: String
    let fd: Int32

    init(directory: TemporaryDirectory) throws {
        self.path = directory.url.appendingPathComponent("notify").path
        self.fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in self.path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(self.fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw TestSupportError("bind \(self.path): errno \(errno)") }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(self.fd) }

    /// The next datagram, or nil after two seconds.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(self.fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }
}

@Suite struct SystemdNotifierTests {
    @Test func statesArriveInOrderAsOneDatagramEach() throws {
        let directory = try TemporaryDirectory(prefix: "tact-notify")
        defer { directory.remove() }
        let systemd = try FakeNotifySocket(directory: directory)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.path])
        notifier.ready(status: "support: idle")
        notifier.status("support: fetching 3 new")
        notifier.watchdog()
        notifier.reloading()
        notifier.stopping()
        #expect(systemd.receive() == "READY=1\nSTATUS=support: idle")
        #expect(systemd.receive() == "STATUS=support: fetching 3 new")
        #expect(systemd.receive() == "WATCHDOG=1")
        #expect(systemd.receive()?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true)
        #expect(systemd.receive() == "STOPPING=1")
    }

    @Test func aStatusFromOutsideCannotAddAssignments() throws {
        let directory = try TemporaryDirectory(prefix: "tact-notify")
        defer { directory.remove() }
        let systemd = try FakeNotifySocket(directory: directory)
        SystemdNotifier(environment: ["NOTIFY_SOCKET": systemd.path]).status("login failed\nREADY=1")
        #expect(systemd.receive() == "STATUS=login failed READY=1")
    }

    @Test func withoutSystemdNothingIsSentAndNothingFails() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isActive)
        notifier.ready()
        #expect(notifier.watchdogInterval == nil)
    }

    @Test func theWatchdogIsPingedAtHalfItsTimeoutAndOnlyForUs() {
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "60000000"]).watchdogInterval == .seconds(30))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "garbage"]).watchdogInterval == nil)
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One `tact run` per state directory: an exclusive `flock` on `<state_dir>/tact.pid`, which also
/// holds the daemon's process id so that `tact queue approve` can wake its outbox (SIGUSR1). The
/// lock goes away with the process, however it ends, so a crash never leaves a stale lock.
public final class ServiceLock: Sendable {
    public let path: String
    private let fd: Int32

    public static func path(stateDirectory: String) -> String {
        URL(fileURLWithPath: stateDirectory).appendingPathComponent("tact.pid").path
    }

    /// - Throws: `StartupError` when another `tact run` holds the lock (naming its pid), or the
    ///   file cannot be opened.
    public init(stateDirectory: String) throws {
        let path = Self.path(stateDirectory: stateDirectory)
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw StartupError(
                "cannot open \(path): \(String(cString: strerror(errno))); check the state folder's owner and mode (it must exist and belong to tact)")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.runningPID(stateDirectory: stateDirectory).map { " (pid \($0))" } ?? ""
            close(fd)
            throw StartupError(
                "another `tact run` is already working on \(stateDirectory)\(holder): only one may run per state folder; "
                    + "stop it first (systemctl stop tact)")
        }
        let text = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.path = path
        self.fd = fd
    }

    deinit {
        _ = ftruncate(self.fd, 0)
        close(self.fd)
    }

    /// The pid of the `tact run` holding the lock, or nil when none runs.
    public static func runningPID(stateDirectory: String) -> Int32? {
        let path = Self.path(stateDirectory: stateDirectory)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // If a shared lock can be had, nobody holds the exclusive one: no daemon.
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            _ = flock(fd, LOCK_UN)
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Asks a running daemon to look at the outbox now. Returns whether one was told.
    @discardableResult
    public static func wakeOutbox(stateDirectory: String) -> Bool {
        guard let pid = Self.runningPID(stateDirectory: stateDirectory), pid > 0 else { return false }
        return kill(pid, SIGUSR1) == 0
    }
}

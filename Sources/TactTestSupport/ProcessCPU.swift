import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// User + system CPU seconds of process `pid` (all its threads) so far, from /proc/PID/stat; 0
/// when the process is gone. Tests and benchmarks measure a spawned `tact run` with it.
public func processCPUSeconds(pid: pid_t = getpid()) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return 0 }
    // Fields after "comm)": state is field 3; utime and stime are fields 14 and 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

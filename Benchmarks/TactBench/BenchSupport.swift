import Configuration
import Daemon
import Drafting
import Foundation
import MailParsing
import TactTestSupport
import Triage

#if canImport(Glibc)
import Glibc
#endif

/// The repository (for templates, the rule pack, the corpus and the built `tact`).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double { Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18 }
}

/// Limits a profile to the timed part: with `TACTBENCH_PERF_CONTROL` naming the control FIFO of
/// `perf record --control fifo:PATH -D -1` (perf starts disabled), the timed pass writes
/// `enable` before it and `disable` after it, so the samples are the pass's and nothing else's.
enum ProfileWindow {
    static func send(_ command: String) {
        guard let path = ProcessInfo.processInfo.environment["TACTBENCH_PERF_CONTROL"] else { return }
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { return }
        _ = (command + "\n").withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }
    static func begin() { send("enable") }
    static func end() { send("disable") }
}

/// What a process costs, read from /proc by pid, so the same code measures this process (the
/// in-process service) or a spawned `tact run`.
enum ProcessProbe {
    /// User + system CPU seconds of `pid` (all its threads), from /proc/PID/stat.
    static func cpuSeconds(pid: pid_t = getpid()) -> Double { processCPUSeconds(pid: pid) }

    /// A `VmRSS`/`VmHWM`-style field of /proc/PID/status, in MB.
    static func statusMB(_ field: String, pid: pid_t = getpid()) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kilobytes / 1024
        }
        return 0
    }

    static func rssMB(pid: pid_t = getpid()) -> Double { statusMB("VmRSS", pid: pid) }
    static func peakRSSMB(pid: pid_t = getpid()) -> Double { statusMB("VmHWM", pid: pid) }

    /// Resets the kernel's peak-RSS mark (VmHWM) of this process, so a later peak is the peak of
    /// what ran in between.
    static func resetPeakRSS() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}

/// This thread's CPU time: on a shared machine, wall time also counts other processes.
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// CPU seconds (user + system) of every thread of this process so far, to the microsecond
/// (getrusage; /proc counts in 10 ms ticks).
func selfCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// A `tact.toml` for the benchmarks: one `[[mailbox]]` per folder, all on one Dovecot (or on a
/// proxy in front of it, `port`), no sender window beyond the default, and an hourly cap high
/// enough that a backlog is not rate-limited by it (see BENCHMARKS.md). With `smtp`, approved
/// replies go to that throwaway sink, as an installed service's go to its submission server.
func writeBenchConfiguration(
    in directory: String, dovecot: Dovecot?, port: Int? = nil, folders: [String] = ["INBOX"], hourlyCap: Int = 100_000,
    daemonSettings: String = "", smtp: SMTPSink? = nil
) throws -> TactConfiguration {
    let secret = directory + "/imap-password"
    try (dovecot?.password ?? "unused").write(toFile: secret, atomically: true, encoding: .utf8)
    var text = "# Written by TactBench for a throwaway Dovecot on loopback.\n"
    for (index, folder) in folders.enumerated() {
        text += """
            [[mailbox]]
            name = "\(folders.count == 1 ? "support" : "support\(index + 1)")"
            host = "127.0.0.1"
            port = \(port ?? dovecot?.plainPort ?? 143)
            security = "plain"
            user = "\(dovecot?.user ?? "unused")"
            password_file = "\(secret)"
            folder = "\(folder)"
            own_addresses = ["support@shop.example"]
            agent_name = "Marta Keller"
            team_name = "Shop Support"


            """
    }
    if let smtp {
        text += """
            [smtp]
            host = "127.0.0.1"
            port = \(smtp.port)
            security = "plain"


            """
    }
    text += """
        [drafting]
        templates_dir = "\(repositoryRoot)/templates"
        rules_file = "\(repositoryRoot)/config/courtesy.toml"
        time_zone = "Europe/London"

        [daemon]
        state_dir = "\(directory)"
        hourly_cap = \(hourlyCap)
        \(daemonSettings)

        """
    let path = directory + "/tact.toml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    do {
        return try TactConfiguration.load(explicitPath: path, environment: [:], currentDirectory: directory).configuration
    } catch {
        throw BenchError("the benchmark's configuration \(path) is invalid: \(error)")
    }
}

/// The daemon's pure stages as `stages` and `outputs` build them: the bench configuration written
/// in `directory`, its first mailbox, the shared pipeline, and that mailbox's drafter, parser and
/// suppression policy.
struct BenchStages {
    let configuration: TactConfiguration
    let mailbox: MailboxConfiguration
    let shared: Pipeline.Shared
    let drafter: Drafter
    let parser = MailParser()
    let suppression: SuppressionPolicy

    init(in directory: TemporaryDirectory) throws {
        self.configuration = try writeBenchConfiguration(in: directory.path, dovecot: nil)
        self.mailbox = self.configuration.mailboxes[0]
        self.shared = try Pipeline.shared(self.configuration)
        self.drafter = try Pipeline.drafter(for: self.mailbox, configuration: self.configuration, shared: self.shared)
        self.suppression = SuppressionPolicy(ownAddresses: self.mailbox.ownAddresses)
    }
}

/// The positive numbers among a benchmark's arguments, and whether "webmail" is one of them;
/// anything else is refused with the benchmark's `usage`, never read as a default.
func mailArguments(_ arguments: [String], usage: String) throws -> (numbers: [Int], webmail: Bool) {
    let numbers = try arguments.filter { $0 != "webmail" }.map { argument in
        guard let number = Int(argument), number > 0 else {
            throw BenchError("\"\(argument)\" is neither a positive number nor \"webmail\": usage \(usage)")
        }
        return number
    }
    return (numbers, arguments.contains("webmail"))
}

/// A benchmark's positional arguments, read by position; an argument that cannot be used (not a
/// number, not above zero, one too many) is an error naming it and the usage, never a default.
struct Positional {
    let values: [String]
    let usage: String

    init(_ values: [String], usage: String, atMost count: Int) throws {
        guard values.count <= count else {
            throw BenchError("unexpected argument \"\(values[count])\": usage \(usage)")
        }
        (self.values, self.usage) = (values, usage)
    }

    /// The whole number above zero at `index`, or `fallback` when there are fewer arguments.
    func integer(_ index: Int, _ name: String, or fallback: Int) throws -> Int {
        guard index < self.values.count else { return fallback }
        guard let number = Int(self.values[index]), number > 0 else {
            throw BenchError("\(name) \"\(self.values[index])\" is not a whole number above zero: usage \(self.usage)")
        }
        return number
    }

    /// The finite number of seconds above zero at `index`, or `fallback`.
    func seconds(_ index: Int, _ name: String, or fallback: Double) throws -> Double {
        guard index < self.values.count else { return fallback }
        guard let seconds = Double(self.values[index]), seconds.isFinite, seconds > 0 else {
            throw BenchError("\(name) \"\(self.values[index])\" is not a number of seconds above zero: usage \(self.usage)")
        }
        return seconds
    }
}

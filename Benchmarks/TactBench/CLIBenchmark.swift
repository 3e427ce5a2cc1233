import Configuration
import Foundation
import Store
import TactTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `cli [items] [runs]`: wall time of the built release `tact` (`swift build -c release --product
/// tact`) for `tact queue list` and `tact status` on a store holding `items` (default 100,000)
/// queued drafts, and `tact lint` of one ~1 KB draft (cold start: a fresh process each time).
/// Output goes to /dev/null; each command runs `runs` times (default 10) after one untimed run.
var cliBenchmark: Benchmark {
    Benchmark(name: "cli", summary: "tact queue list / status with 100,000 drafts, tact lint cold start [items] [runs]") { arguments in
        let given = try Positional(arguments, usage: "cli [items] [runs]", atMost: 2)
        let (items, runs) = (try given.integer(0, "items", or: 100_000), try given.integer(1, "runs", or: 10))
        for command in try measureCLI(items: items, runs: runs, verbose: true) {
            print("\(command.label.padding(toLength: 28, withPad: " ", startingAt: 0)) wall median \(format(percentile(command.wall, 50))) ms "
                + "(min \(format(command.wall.min()!)), max \(format(command.wall.max()!))), CPU median \(format(percentile(command.cpu, 50))) ms "
                + "over \(runs) runs (exit \(command.status))")
        }
    }
}

/// One `tact` command timed `runs` times: wall and CPU milliseconds of each run.
struct CLIFigures {
    let label: String
    let wall: [Double]
    let cpu: [Double]
    let status: Int32
}

/// Times the release `tact` on a store of `items` queued drafts (see `cliBenchmark`).
func measureCLI(items: Int, runs: Int, verbose: Bool) throws -> [CLIFigures] {
    let tact = "\(repositoryRoot)/.build/release/tact"
    guard FileManager.default.isExecutableFile(atPath: tact) else {
        throw BenchError("\(tact) is missing: build it first with `swift build -c release --static-swift-stdlib --product tact`")
    }
    let directory = try TemporaryDirectory(prefix: "tact-bench")
    defer { directory.remove() }
    let configuration = try writeBenchConfiguration(in: directory.path, dovecot: nil)
    let configPath = directory.path + "/tact.toml"
    let storePath = configuration.daemon.storePath

    let clock = ContinuousClock()
    let fillStart = clock.now
    try fillStore(at: storePath, items: items)
    let size = (try? FileManager.default.attributesOfItem(atPath: storePath)[.size] as? Int) ?? 0
    if verbose {
        print("store: \(items) queued drafts written in \(format((clock.now - fillStart).seconds, 1)) s, "
            + "\(size / 1_048_576) MB (+ WAL)")
    }

    let draftFile = directory.path + "/draft.txt"
    try (LintBenchmarkDrafts.make()[1]).write(toFile: draftFile, atomically: true, encoding: .utf8)
    var figures: [CLIFigures] = []
    for (label, args) in [
        ("tact queue list", ["queue", "list", "--store", storePath]),
        ("tact queue list --json", ["queue", "list", "--json", "--store", storePath]),
        ("tact status", ["status", "--config", configPath]),
        ("tact lint (one file)", ["lint", draftFile]),
        ("tact --help (startup floor)", ["--help"]),
    ] {
        let first = try timeProcess(tact, args)
        guard first.status <= 1 else { throw BenchError("\(label) exited with status \(first.status)") }
        var times: [Double] = []
        var cpu: [Double] = []
        for _ in 0..<runs {
            let run = try timeProcess(tact, args)
            times.append(run.seconds * 1000)
            cpu.append(run.cpu * 1000)
        }
        figures.append(CLIFigures(label: label, wall: times, cpu: cpu, status: first.status))
    }
    return figures
}

/// `items` messages, each with a queued draft of a realistic size, through `SQLiteStore.record`,
/// a thousand per commit (the daemon's batches; one commit each takes minutes).
func fillStore(at path: String, items: Int) throws {
    let store = try SQLiteStore(path: path)
    let categories = ["billing", "complaint", "question", "refund", "technical", "order-status", "praise", "cancellation"]
    let body = LintBenchmarkDrafts.make()[0]
    let now = Date()
    func record(_ i: Int) throws {
        let message = IncomingMessage(
            mailbox: "support", uidValidity: 1, uid: UInt32(i + 1), messageID: "<fill.\(i)@example.net>",
            sender: "customer\(i)@example.org", subject: "Order \(i) has not arrived", receivedAt: now,
            outcome: .drafted, reason: nil, category: categories[i % categories.count], confidence: 0.9,
            senderName: "Customer \(i)", customerText: "Where is my order \(i)? It has not arrived yet.")
        let draft = NewDraft(
            template: categories[i % categories.count], subject: "Re: Order \(i) has not arrived", body: body,
            findingsJSON: i % 7 == 0 ? #"[{"rule":"x","severity":"warning"}]"# : "[]",
            promisedBy: now.addingTimeInterval(Double(86_400 + i)), replyMessageID: "<reply.\(i)@shop.example>",
            recipient: "customer\(i)@example.org", recipientName: "Customer \(i)", inReplyTo: "<fill.\(i)@example.net>",
            references: ["<fill.\(i)@example.net>"])
        _ = try store.record(message, draft: draft, actor: "bench")
    }
    for start in stride(from: 0, to: items, by: 1000) {
        try store.batch {
            for i in start..<min(start + 1000, items) { try record(i) }
        }
    }
}

/// Spawns `path args` with stdout and stderr to /dev/null and waits: wall time and exit status.
/// (posix_spawn + waitpid: Foundation's Process polls its run loop while waiting.)
/// The child's CPU time (user + system, from wait4) is the one-core figure on a shared machine.
func timeProcess(_ path: String, _ args: [String]) throws -> (seconds: Double, cpu: Double, status: Int32) {
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let clock = ContinuousClock()
    let start = clock.now
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let elapsed = (clock.now - start).seconds
    let exited = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    return (elapsed, cpu, exited)
}

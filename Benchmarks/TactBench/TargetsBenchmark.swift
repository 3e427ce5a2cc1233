import Foundation

/// `targets [backlog-runs]`: every figure issue 9 sets a target for, measured in one go with the
/// other benchmarks' own code, and printed as one Markdown table (figure, target, measured,
/// met). The backlog runs `backlog-runs` times (default 5) at each size, and its figures are the
/// medians; latency is `latency 200` under IDLE, idle cost `idle 180 100000 idle-only`, the CLI
/// `cli 100000 10`. Takes about ten minutes with 10 backlog runs; needs the release `tact` built (see BENCHMARKS.md).
var targetsBenchmark: Benchmark {
    Benchmark(name: "targets", summary: "every issue-9 target in one run, as a table: figure, target, measured, met [backlog-runs]") {
        arguments in
        let given = try Positional(arguments, usage: "targets [backlog-runs]", atMost: 1)
        let runs = try given.integer(0, "backlog-runs", or: 5)
        guard runs <= 100 else { throw BenchError("backlog-runs \(runs) is more than 100: usage \(given.usage)") }
        // `tact run` (latency, idle) and the CLI figures come last; a missing binary is said first.
        let tact = "\(repositoryRoot)/.build/release/tact"
        guard FileManager.default.isExecutableFile(atPath: tact) else {
            throw BenchError("\(tact) is missing: build it first with `swift build -c release --static-swift-stdlib --product tact`")
        }
        let started = Date()
        var rows: [TargetRow] = []
        var backlogs: [BacklogFigures] = []

        for size in [1500, 4000] {
            var rates: [Double] = []
            var ratios: [Double] = []
            for run in 1...runs {
                let figures = try await runBacklog(count: 10_000, size: size, verbose: false)
                let rate = Double(figures.messages) / figures.processSeconds
                let fetchRate = Double(figures.messages) / (figures.fetchSeconds.reduce(0, +) / Double(figures.fetchSeconds.count))
                rates.append(rate)
                ratios.append(rate / fetchRate)
                backlogs.append(figures)
                progress("backlog \(size) B, run \(run) of \(runs): \(Int(rate)) messages/s")
            }
            let median = percentile(rates, 50)
            rows.append(TargetRow(
                figure: "backlog, 10,000 × ~\(size) B, end to end", target: "≥ 7,500 msg/s",
                measured: "\(Int(median)) msg/s (median of \(runs); \(rates.filter { $0 >= 7_500 }.count) of \(runs) runs ≥ 7,500; "
                    + "\(Int(rates.min()!))–\(Int(rates.max()!)); end-to-end / fetch-only \(format(percentile(ratios, 50), 3)))",
                met: median >= 7_500))
        }
        let peak = backlogs.map(\.peak).max() ?? .nan
        rows.append(TargetRow(
            figure: "memory: peak RSS during the backlog", target: "< 100 MB",
            measured: "\(format(peak)) MB (highest of \(backlogs.count) runs)", met: peak < 100))
        // Growth from the 1,000th to the 10,000th message; a leak of 0.5 KB a message would add
        // 4.5 MB. The allocator's arenas move it by a few MB from run to run, so the median.
        let growth = percentile(backlogs.compactMap { figures in
            guard let first = figures.rssAt[1000], let last = figures.rssAt[10_000] else { return nil }
            return last - first
        }, 50)
        rows.append(TargetRow(
            figure: "memory: RSS after 10,000 vs after 1,000 messages", target: "no growth (< 5 MB, median)",
            measured: "+\(format(growth)) MB (median of \(backlogs.count) runs)", met: growth < 5))

        progress("latency under IDLE, 200 deliveries")
        let latencies = try await measureLatency(deliveries: 200, idle: true, poll: .seconds(1))
        let (p50, p99) = (percentile(latencies, 50), percentile(latencies, 99))
        rows.append(TargetRow(
            figure: "latency under IDLE, APPEND → draft (200 deliveries, `tact run`)", target: "p50 < 100 ms, p99 < 300 ms",
            measured: "p50 \(format(p50)) ms, p99 \(format(p99)) ms (Dovecot holds every IDLE notification 500 ms)",
            met: p50 < 100 && p99 < 300))

        // Three minutes, so that the service's one memory release after start (~0.02 CPU s, see
        // "Ninth round") weighs as it does over a day, not as a third of one minute's cost.
        progress("idle: 5 mailboxes of 100,000, 180 s")
        let idle = try await measureIdle(seconds: 180, messages: 100_000, idle: true, poll: 30, verbose: false)
        rows.append(TargetRow(
            figure: "idle: 5 mailboxes × 100,000 under IDLE, CPU", target: "< 0.1 % of a core",
            measured: "\(format(idle.percentOfCore, 3)) % (\(format(idle.cpuSeconds, 3)) CPU s in \(format(idle.elapsed)) s; "
                + "\(Int(Double(idle.bytesUp + idle.bytesDown) * idle.perMinute)) B/min on the wire)",
            met: idle.percentOfCore < 0.1))
        rows.append(TargetRow(
            figure: "memory: RSS when idle (the same service)", target: "< 30 MB",
            measured: "\(format(idle.rss)) MB (\(format(idle.anonymous)) MB anonymous)", met: idle.rss < 30))

        progress("cli: 100,000 queued drafts")
        let cli = try measureCLI(items: 100_000, runs: 10, verbose: false)
        for (label, limit) in [("tact queue list", 100.0), ("tact lint (one file)", 50.0)] {
            guard let command = cli.first(where: { $0.label == label }) else { throw BenchError("\(label) was not measured") }
            let median = percentile(command.wall, 50)
            rows.append(TargetRow(
                figure: label == "tact queue list" ? "`tact queue list`, 100,000 queued drafts" : "`tact lint` one file, cold start",
                target: "< \(Int(limit)) ms", measured: "\(format(median)) ms wall (median of \(command.wall.count))",
                met: median < limit))
        }

        print("")
        print("| figure | target | measured | met? |")
        print("|---|---|---|---|")
        for row in rows { print("| \(row.figure) | \(row.target) | \(row.measured) | \(row.met ? "yes" : "**no**") |") }
        print("")
        print("\(rows.filter(\.met).count) of \(rows.count) targets met; "
            + "measured in \(format(Date().timeIntervalSince(started) / 60)) min on \(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + "load average at the end \(loadAverage())")
    }
}

struct TargetRow {
    let figure: String
    let target: String
    let measured: String
    let met: Bool
}

/// A line on standard error (unbuffered), so a long run shows where it is; the table goes to
/// standard output.
private func progress(_ line: String) {
    FileHandle.standardError.write(Data("targets: \(line)\n".utf8))
}

/// The first three fields of /proc/loadavg, or "?".
private func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

import Configuration
import Daemon
import Foundation
import TactTestSupport

/// `reload [count]`: what `tact run` does at each SIGHUP, `count` times (default 100) in one
/// process: the configuration read again, then the templates, the rule pack, the customer
/// directory and the classifier (`Pipeline.shared`). Reports the anonymous memory (RssAnon) the
/// process holds after them against before, per reload. A reader that leaks shows here: TOMLKit
/// never frees a parsed document, ~210 KB for the shipped rule pack, each time it is parsed.
var reloadBenchmark: Benchmark {
    Benchmark(name: "reload", summary: "memory kept per reload (configuration and pipeline read again, as SIGHUP does) [count]") {
        arguments in
        let count = try Positional(arguments, usage: "reload [count]", atMost: 1).integer(0, "count", or: 100)
        let directory = try TemporaryDirectory(prefix: "tact-bench")
        defer { directory.remove() }
        _ = try writeBenchConfiguration(in: directory.path, dovecot: nil)
        let path = directory.path + "/tact.toml"
        func reload() throws {
            let configuration = try TactConfiguration.load(
                explicitPath: path, environment: [:], currentDirectory: directory.path
            ).configuration
            _ = try Pipeline.shared(configuration)
        }
        // The first reads fill caches meant to stay (the model, the kept rule-pack document).
        for _ in 0..<3 { try reload() }
        let before = ProcessProbe.statusMB("RssAnon")
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<count { try reload() }
        let seconds = (clock.now - started).seconds
        let after = ProcessProbe.statusMB("RssAnon")
        print("reload ×\(count): anonymous memory \(format(before)) → \(format(after)) MB, "
            + "\(Int(((after - before) * 1024 / Double(count)).rounded())) KB kept per reload; "
            + "\(format(seconds * 1000 / Double(count))) ms a reload")
    }
}

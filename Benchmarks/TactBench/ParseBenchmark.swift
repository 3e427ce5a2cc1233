import Foundation
import MailParsing
import Triage

/// Messages parsed per second on one core, over the mixed fixture corpus (plain and
/// quoted-printable, base64, latin-1/windows-1252/ISO-2022-JP, HTML-only, nested multipart with
/// attachments, replies in every quoting style, bounces and auto-replies). Each message is parsed
/// with GMime, its text split and its first name found, and suppression is evaluated.
/// Arguments: `[seconds]` (default 5) of measurement after one warm-up pass.
// Computed, so it needs no Sendable conformance from the shared `Benchmark` struct.
var parseBenchmark: Benchmark {
    Benchmark(
        name: "parse",
        summary: "messages parsed per second (GMime + text split + first name + suppression), mixed corpus",
        run: { arguments in
            let seconds = arguments.first.flatMap(Double.init) ?? 5
            let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Tests/MailParsingTests/Fixtures")
            let files = try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
                .filter { $0.hasSuffix(".eml") }.sorted()
            let corpus = try files.map { try Data(contentsOf: fixtures.appendingPathComponent($0)) }
            guard !corpus.isEmpty else { throw ParseBenchmarkError("no .eml fixtures in \(fixtures.path)") }
            let bytes = corpus.reduce(0) { $0 + $1.count }
            let parser = MailParser()
            let policy = SuppressionPolicy(ownAddresses: ["support@shop.example"])

            var checksum = 0
            func pass() throws {
                for data in corpus {
                    let message = try parser.parse(data)
                    checksum &+= message.text.ownWords.utf8.count &+ (message.firstName?.count ?? 0)
                    checksum &+= policy.evaluate(message) == nil ? 0 : 1
                }
            }
            try pass()  // warm-up: GMime init, charset converters, caches

            let clock = ContinuousClock()
            let start = clock.now
            var passes = 0
            while clock.now - start < .seconds(seconds) {
                try pass()
                passes += 1
            }
            let elapsed = clock.now - start
            let measured = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let messages = passes * corpus.count
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            print("corpus:        \(corpus.count) messages, \(bytes) bytes (mean \(bytes / corpus.count) bytes)")
            print("parsed:        \(messages) messages in \(String(format: "%.2f", measured)) s on one thread")
            print("throughput:    \(Int(Double(messages) / measured)) messages/s, "
                + "\(String(format: "%.1f", Double(passes * bytes) / measured / 1_048_576)) MB/s")
            print("per message:   \(String(format: "%.1f", measured / Double(messages) * 1e6)) µs")
            print("peak RSS:      \(usage.ru_maxrss / 1024) MB   (checksum \(checksum))")
        })
}

struct ParseBenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import Foundation
@_spi(Testing) import MailParsing
import Triage

/// Messages parsed per second on one core, over the mixed fixture corpus (plain and
/// quoted-printable, base64, latin-1/windows-1252/ISO-2022-JP, HTML-only, nested multipart with
/// attachments, replies in every quoting style, bounces and auto-replies). Each message is parsed
/// with GMime, its text split and its first name found, and suppression is evaluated.
/// Arguments: `[seconds] [trace]`: seconds (default 5) of measurement after one warm-up pass;
/// `trace` puts the 24 trace and authentication fields that delivered mail carries (Received,
/// DKIM, ARC, Authentication-Results, …) above each message's own. Passes alternate between the
/// parser as shipped (plainly well-formed header blocks split by Tact) and GMime's message object
/// for every header block, so their ratio comes from one run.
// Computed, so it needs no Sendable conformance from the shared `Benchmark` struct.
var parseBenchmark: Benchmark {
    Benchmark(
        name: "parse",
        summary: "[seconds] [trace]: messages parsed per second on one thread (GMime + text split + first name + suppression), mixed corpus, split header blocks against GMime's message object",
        run: { arguments in
            var seconds = 5.0
            var trace = false
            for argument in arguments {
                if argument == "trace" {
                    trace = true
                } else if let value = Double(argument), value.isFinite, value > 0 {
                    seconds = value
                } else {
                    throw ParseBenchmarkError("'\(argument)' is neither a number of seconds nor 'trace': use parse [seconds] [trace]")
                }
            }
            let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Tests/MailParsingTests/Fixtures")
            let files = try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
                .filter { $0.hasSuffix(".eml") }.sorted()
            let corpus = try files.map { try (trace ? traceFields : Data()) + Data(contentsOf: fixtures.appendingPathComponent($0)) }
            guard !corpus.isEmpty else { throw ParseBenchmarkError("no .eml fixtures in \(fixtures.path)") }
            let bytes = corpus.reduce(0) { $0 + $1.count }
            var whole = MailParser()
            whole.splitsHeaders = false
            let parsers = [("split", MailParser()), ("whole", whole)]
            let policy = SuppressionPolicy(ownAddresses: ["support@shop.example"])

            var checksum = 0
            func pass(_ parser: MailParser) throws {
                for data in corpus {
                    let message = try parser.parse(data)
                    checksum &+= message.text.ownWords.utf8.count &+ (message.firstName?.count ?? 0)
                    checksum &+= policy.evaluate(message) == nil ? 0 : 1
                }
            }
            for (_, parser) in parsers { try pass(parser) }  // warm-up: GMime init, charset converters, caches

            // Thread CPU time, alternating passes, so both parsers see the same machine.
            func threadSeconds() -> Double {
                var now = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
                return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
            }
            var spent = [0.0, 0.0]
            var passes = 0
            let clock = ContinuousClock()
            let start = clock.now
            while clock.now - start < .seconds(seconds) {
                for (index, (_, parser)) in parsers.enumerated() {
                    let before = threadSeconds()
                    try pass(parser)
                    spent[index] += threadSeconds() - before
                }
                passes += 1
            }
            let messages = passes * corpus.count
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            print("corpus:        \(corpus.count) messages, \(bytes) bytes (mean \(bytes / corpus.count) bytes)"
                + (trace ? ", each with 24 trace fields above its own" : ""))
            for (index, (name, _)) in parsers.enumerated() {
                print("\(name):         \(messages) messages in \(String(format: "%.2f", spent[index])) s of thread CPU: "
                    + "\(Int(Double(messages) / spent[index])) messages/s, "
                    + "\(String(format: "%.1f", spent[index] / Double(messages) * 1e6)) µs a message")
            }
            print("split / whole: \(String(format: "%.3f", spent[0] / spent[1])) of the CPU (alternating passes, one thread)")
            print("peak RSS:      \(usage.ru_maxrss / 1024) MB   (checksum \(checksum))")
        })
}

/// The fields a message gathers on its way to a mailbox, above the sender's own: the size and
/// shape of a real delivery's (6 Received hops, DKIM and ARC signatures, authentication results,
/// spam scores, mailer tags), ASCII and folded as relays write them.
let traceFields: Data = {
    var lines: [String] = []
    for hop in 0..<6 {
        lines.append("Received: from relay\(hop).mail.example.net (relay\(hop).mail.example.net [192.0.2.\(10 + hop)])")
        lines.append("\tby mx\(hop + 1).shop.example (Postfix) with ESMTPS id 4Q\(hop)ZkP2x\(hop)Lz")
        lines.append("\tfor <support@shop.example>; Mon, 02 Nov 2026 10:15:0\(hop) +0000 (UTC)")
    }
    lines += [
        "Return-Path: <bounce-7281@mail.example.net>",
        "Delivered-To: support@shop.example",
        "Authentication-Results: mx1.shop.example; dkim=pass header.d=mail.example.net header.s=s1;",
        "\tspf=pass smtp.mailfrom=mail.example.net; dmarc=pass (p=REJECT) header.from=mail.example.net",
        "ARC-Seal: i=1; a=rsa-sha256; t=1793700000; cv=none; d=mail.example.net; s=arc1;",
        "\tb=Vb1x2Q0mXf3rT9kL4pZ8nW6yH5jD2cA7sE1uR0oI9qM3vB8lK6gF4hJ2tY5wN7zX1cV0bP3mQ9sD8aL6kJ4hG2fE==",
        "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=mail.example.net; s=arc1;",
        "\th=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;",
        "\tb=Qm9vW3xT7kP2nL8rZ4yH6jD1cA5sE0uR9oI3qM7vB2lK8gF6hJ4tY1wN5zX3cV7bP0mQ2sD6aL4kJ8hG0fE==",
        "ARC-Authentication-Results: i=1; mail.example.net; dkim=pass; spf=pass",
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=mail.example.net; s=s1;",
        "\tt=1793700000; h=from:to:subject:date:message-id:mime-version:content-type;",
        "\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;",
        "\tb=Zk3xW8vT1pL6nR2yH9jD4cA0sE7uR5oI1qM9vB6lK2gF8hJ0tY3wN7zX5cV9bP2mQ4sD0aL8kJ6hG4fE==",
        "X-Received: by 2002:a05:6214:1c0c:b0:6b5:2f1c with SMTP id u12mr; Mon, 02 Nov 2026 02:15:00 -0800",
        "X-Spam-Status: No, score=-0.1 required=5.0 tests=DKIM_SIGNED,DKIM_VALID,SPF_PASS",
        "X-Spam-Score: -0.1",
        "X-Mailer: Example Mail 9.4",
        "X-Originating-IP: [198.51.100.23]",
        "X-MS-Exchange-Organization-SCL: 1",
        "X-Google-Smtp-Source: AGHT+IFh3kP9xL2mW7zQ4vR8tY1nB6cD0sE5uJ3oI9aK2gF7hM4lN1pX8wZ6yV0b",
        "Feedback-ID: 1.eu-west-1.e7281:AmazonSES",
        "X-Priority: 3",
    ]
    return Data((lines.joined(separator: "\n") + "\n").utf8)
}()

struct ParseBenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

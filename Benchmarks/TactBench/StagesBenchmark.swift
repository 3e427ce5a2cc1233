import Configuration
import Courtesy
import Daemon
import Drafting
import Foundation
import MailParsing
import TactTestSupport
import Triage

/// `stages [seconds] [bytes]`: each stage of the daemon alone, on one thread, over the backlog's
/// own mail (`BenchMail`, 2,000 messages of ~1.5 KB by default): parse (GMime, text split, first
/// name) + suppression, classify (full result), draft (template, promise, lint, MIME reply), and
/// lint alone on those drafts. Messages per CPU-second of the measuring thread.
/// (`parse`, `classify` and `lint` measure the same stages on their own historical inputs.)
var stagesBenchmark: Benchmark {
    Benchmark(name: "stages", summary: "parse, classify, draft, lint per second on one core, backlog mail [seconds] [bytes]") {
        arguments in
        let seconds = arguments.first.flatMap(Double.init) ?? 2
        let size = arguments.dropFirst().first.flatMap { Int($0) } ?? 1500
        let mail = try BenchMail(size: size)
        let raw = (0..<2000).map { Data(mail.message($0)) }
        let directory = try TemporaryDirectory(prefix: "tact-bench")
        defer { directory.remove() }
        let configuration = try writeBenchConfiguration(in: directory.path, dovecot: nil)
        let mailbox = configuration.mailboxes[0]
        let shared = try Pipeline.shared(configuration)
        let drafter = try Pipeline.drafter(for: mailbox, configuration: configuration, shared: shared)
        let parser = MailParser()
        let suppression = SuppressionPolicy(ownAddresses: mailbox.ownAddresses)

        /// Runs `body` over `items` repeatedly for `seconds`; returns items per CPU-second.
        func measure<T>(_ label: String, _ items: [T], _ body: (T) throws -> Int) rethrows {
            var checksum = 0
            for item in items.prefix(200) { checksum &+= try body(item) }  // warm-up
            var done = 0
            let cpuStart = threadCPUSeconds()
            let clock = ContinuousClock()
            let start = clock.now
            while (clock.now - start).seconds < seconds {
                for item in items { checksum &+= try body(item) }
                done += items.count
            }
            let cpu = threadCPUSeconds() - cpuStart
            let wall = (clock.now - start).seconds
            print("\(label.padding(toLength: 10, withPad: " ", startingAt: 0)) \(Int(Double(done) / cpu)) per CPU-second "
                + "(\(format(cpu / Double(done) * 1e6)) µs each; \(Int(Double(done) / wall)) per wall second; "
                + "\(items.count) items, check \(checksum & 0xff))")
        }

        let messages = try raw.map { try parser.parse($0) }
        let customer = messages.filter { suppression.evaluate($0) == nil }
        let classified = customer.map { ($0, shared.classifier.classify(subject: $0.subject, text: $0.text.wordsToClassify)) }
        let now = Date()
        let drafts = try classified.map { message, classification in
            (try drafter.draft(message, classification: classification, arrival: now, now: now, ticket: "T-1-1"), classification)
        }
        print("stages: \(raw.count) mails (mean \(raw.reduce(0) { $0 + $1.count } / raw.count) B), "
            + "\(customer.count) customer mails after suppression, one thread, \(format(seconds)) s each")
        try measure("parse", raw) { data in
            let message = try parser.parse(data)
            return message.text.ownWords.utf8.count &+ (suppression.evaluate(message) == nil ? 0 : 1)
        }
        measure("classify", customer) { shared.classifier.classify(subject: $0.subject, text: $0.text.wordsToClassify).evidence.count }
        try measure("draft", classified) { message, classification in
            try drafter.draft(message, classification: classification, arrival: now, now: now, ticket: "T-1-1").body.utf8.count
        }
        measure("lint", drafts) { draft, classification in
            shared.linter.lint(
                draft.body,
                context: LintContext(
                    category: classification.category.rawValue, sentiment: classification.signals.sentiment.rawValue,
                    firstName: draft.to.name, askedHowAreYou: classification.signals.asksHowAreYou)
            ).count
        }
    }
}

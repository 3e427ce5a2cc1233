import Configuration
import Courtesy
import Daemon
import Drafting
import Dispatch
import Foundation
import MailParsing
import Store
import Synchronization
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
        let given = try Positional(arguments, usage: "stages [seconds] [bytes]", atMost: 2)
        let (seconds, size) = (try given.seconds(0, "seconds", or: 2), try given.integer(1, "bytes", or: 1500))
        let mail = try BenchMail(size: size)
        let raw = (0..<2000).map { Data(mail.message($0)) }
        let directory = try TemporaryDirectory(prefix: "tact-bench")
        defer { directory.remove() }
        let stages = try BenchStages(in: directory)
        let (configuration, mailbox, shared, drafter) = (stages.configuration, stages.mailbox, stages.shared, stages.drafter)
        let (parser, suppression) = (stages.parser, stages.suppression)

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

        // The whole pure part of the daemon (`MessageProcessor.prepare`: parse, suppression,
        // classification, draft) on one thread, then on two threads of one process as the
        // backlog runs it: CPU per message of the process, so that what sharing a process costs
        // (allocator, reference counts of shared objects) shows as the difference.
        let store = try SQLiteStore(path: directory.path + "/stages.sqlite")
        let processor = try Pipeline.processor(for: mailbox, configuration: configuration, shared: shared, store: store)
        let location = MessageLocation(mailbox: mailbox.name, uidValidity: 1, uid: 1)
        for threads in [1, 2] {
            let counter = Mutex(0)
            let cpuStart = selfCPUSeconds()
            let clock = ContinuousClock()
            let start = clock.now
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                var done = 0
                while (clock.now - start).seconds < seconds {
                    for data in raw { _ = processor.prepare(data, at: location, arrival: now, now: now) }
                    done += raw.count
                }
                counter.withLock { $0 += done }
            }
            let done = counter.withLock { $0 }
            let cpu = selfCPUSeconds() - cpuStart
            let wall = (clock.now - start).seconds
            print("prepare×\(threads) \(Int(Double(done) / cpu)) per CPU-second of the process "
                + "(\(format(cpu / Double(done) * 1e6)) µs each; \(Int(Double(done) / wall)) per wall second)")
        }
    }
}

/// `record [rounds] [bytes]`: the daemon's record stage alone (`MessageProcessor.process` of
/// prepared messages: the store's checks and inserts): `rounds` × 2,000 distinct backlog mails
/// (default 5 rounds) recorded into one store in batches of 200, one transaction each, so the
/// store grows as in a backlog. CPU of the recording
/// thread per message; SQLite writes in this thread, so the kernel's share of the WAL writes
/// counts.
var recordBenchmark: Benchmark {
    Benchmark(name: "record", summary: "the record stage alone (store checks and inserts) [rounds] [bytes]") { arguments in
        let given = try Positional(arguments, usage: "record [rounds] [bytes]", atMost: 2)
        let (rounds, size) = (try given.integer(0, "rounds", or: 5), try given.integer(1, "bytes", or: 1500))
        let mail = try BenchMail(size: size)
        // Distinct mails in every round (their Message-IDs and senders differ), as in a backlog.
        let raw = (0..<(2000 * rounds)).map { Data(mail.message($0)) }
        let directory = try TemporaryDirectory(prefix: "tact-bench")
        defer { directory.remove() }
        let configuration = try writeBenchConfiguration(in: directory.path, dovecot: nil)
        let mailbox = configuration.mailboxes[0]
        let shared = try Pipeline.shared(configuration)
        let store = try SQLiteStore(path: directory.path + "/prepare.sqlite")
        let processor = try Pipeline.processor(for: mailbox, configuration: configuration, shared: shared, store: store)
        let now = Date()
        let prepared = raw.enumerated().map { index, data in
            processor.prepare(
                data, at: MessageLocation(mailbox: mailbox.name, uidValidity: 1, uid: UInt32(index + 1)), arrival: now,
                now: now)
        }
        var perMessage: [Double] = []
        let recordStore = try SQLiteStore(path: directory.path + "/record.sqlite")
        let recorder = try Pipeline.processor(for: mailbox, configuration: configuration, shared: shared, store: recordStore)
        for round in 0..<rounds {
            let cpuStart = threadCPUSeconds()
            for batchStart in stride(from: round * 2000, to: (round + 1) * 2000, by: 200) {
                try recordStore.batch {
                    for index in batchStart..<(batchStart + 200) {
                        let location = MessageLocation(mailbox: mailbox.name, uidValidity: 1, uid: UInt32(index + 1))
                        _ = try recorder.process(prepared[index], at: location, arrival: now, now: now)
                    }
                }
            }
            perMessage.append((threadCPUSeconds() - cpuStart) / 2000)
        }
        let cpu = perMessage.reduce(0, +) / Double(perMessage.count)
        print("record     \(Int(1 / cpu)) per CPU-second (\(format(cpu * 1e6)) µs each, fastest round "
            + "\(format(perMessage.min()! * 1e6)) µs, median \(format(percentile(perMessage, 50) * 1e6)) µs; \(rounds) rounds "
            + "of 2000 messages into one store, batches of 200)")
        print("           µs per message by round: " + perMessage.map { format($0 * 1e6, 0) }.joined(separator: " "))
    }
}

import Daemon
import Drafting
import Foundation
import MailParsing
import TactTestSupport
import Triage

/// `outputs [count] [bytes] [webmail]`: not a timing but the check that goes with one. Writes, for
/// each of `count` backlog mails (default 2,000; `BenchMail`, as `stages` and `backlog` use),
/// everything the pure stages made of it: the parsed message (text split, first name), the
/// suppression, the classification with its signals, and the draft (subject, body, findings,
/// the whole reply but its random Message-ID), at a fixed clock. Two builds that print the same
/// lines prepare every mail alike: run it before and after an optimisation and `cmp` the files.
var outputsBenchmark: Benchmark {
    Benchmark(name: "outputs", summary: "every stage's output per mail, to compare two builds [count] [bytes] [webmail]") {
        arguments in
        let (numbers, webmail) = try mailArguments(arguments, usage: "[count] [bytes] [webmail]")
        guard numbers.count <= 2 else { throw BenchError("one count and one size at most: usage [count] [bytes] [webmail]") }
        let count = numbers.first ?? 2000
        let size = numbers.dropFirst().first ?? 1500
        let mail = try BenchMail(size: size, webmail: webmail)
        let directory = try TemporaryDirectory(prefix: "tact-bench")
        defer { directory.remove() }
        let stages = try BenchStages(in: directory)
        let (shared, drafter, parser, suppression) = (stages.shared, stages.drafter, stages.parser, stages.suppression)
        let now = Date(timeIntervalSince1970: 1_796_000_000)  // a Tuesday, 2026-11-24, 01:33 UTC
        var output = ""
        for index in 0..<count {
            output += "== mail \(index)\n"
            let message: InboundMessage
            do {
                message = try parser.parse(Data(mail.message(index)))
            } catch {
                output += "parse error: \(error)\n"
                continue
            }
            output += "message: \(message)\nfirst name: \(message.firstName ?? "-")\n"
            if let suppressed = suppression.evaluate(message) {
                output += "suppressed: \(suppressed)\n"
                continue
            }
            let classification = shared.classifier.classify(subject: message.subject, text: message.text.wordsToClassify)
            output += "classification: \(classification)\n"
            do {
                let draft = try drafter.draft(message, classification: classification, arrival: now, now: now, ticket: "T-1-1")
                let reply = String(decoding: draft.message, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
                    .filter { !$0.hasPrefix("Message-ID: ") }.joined(separator: "\n")
                output += "draft: \(draft.template) | \(draft.subject) | \(draft.promisedBy) | \(draft.findings) | "
                    + "\(draft.inReplyTo ?? "-") | \(draft.references)\n\(draft.body)\nreply:\n\(reply)\n"
            } catch {
                output += "draft error: \(error)\n"
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}

import Foundation
import Triage

/// Messages classified per second on one core, for typical 2 KB customer mail, with the shipped
/// model: the category alone, and the full result with every signal.
/// (A computed global: `Benchmark` is not `Sendable`, so a stored global would not compile.)
var classifyBenchmark: Benchmark {
  Benchmark(
    name: "classify",
    summary: "messages classified per second (2 KB mail, one core) [seconds per run, default 3]"
) { arguments in
    let seconds = try Positional(arguments, usage: "classify [seconds per run]", atMost: 1).seconds(0, "seconds per run", or: 3)
    let classifier = try Classifier.shipped()
    let messages = ClassifyBenchmarkMail.messages(count: 64, bytes: 2048)
    let average = messages.reduce(0) { $0 + $1.text.utf8.count + $1.subject.utf8.count } / messages.count
    print("messages: \(messages.count) distinct, \(average) bytes on average")

    /// CPU time of this thread: on a shared machine, wall time also counts other processes.
    func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
    func measure(_ label: String, _ body: (String, String) -> Int) {
        var done = 0
        var checksum = 0
        let start = Date()
        let cpuStart = threadCPUSeconds()
        while Date().timeIntervalSince(start) < seconds {
            for message in messages { checksum &+= body(message.subject, message.text) }
            done += messages.count
        }
        let elapsed = Date().timeIntervalSince(start)
        let cpu = threadCPUSeconds() - cpuStart
        print(
            "\(label): \(Int(Double(done) / cpu)) messages per CPU-second, "
                + "\(Int(Double(done) / elapsed)) per wall second"
                + " (\(done) in \(String(format: "%.2f", cpu)) s CPU, check \(checksum & 0xff))")
    }
    measure("category only      ") { classifier.category(subject: $0, text: $1).rawValue.count }
    measure("category + signals ") { classifier.classify(subject: $0, text: $1).evidence.count }
  }
}

/// Synthetic but realistic customer mail: sentences of the kinds customers write, mixed
/// deterministically until each message is about the requested size.
enum ClassifyBenchmarkMail {
    static let sentences = [
        "Hi there, I hope you are well.", "I ordered a pair of walking boots from your website last week.",
        "The tracking page has said in transit for five days now and nothing has changed.",
        "Could you please tell me when it will arrive, as I need them for a trip on Saturday?",
        "I was also charged twice for the same order, order #48213, according to my bank statement.",
        "When I try to log in to the app to check, it shows an error and sends me back to the start page.",
        "Your colleague on the phone was very helpful and friendly, so thank you for that.",
        "If the boots cannot arrive in time I would like to cancel the order and get a full refund.",
        "I have been a customer for years and this is the first time anything like this has happened.",
        "Please let me know what you can do, and whether I need to send anything back.",
        "The invoice I received does not show the discount code I used at checkout either.",
        "Many thanks for your help, and have a lovely weekend.",
    ]

    static func messages(count: Int, bytes: Int) -> [(subject: String, text: String)] {
        let subjects = ["Where is my order?", "Re: Your order 48213", "Charged twice", "Problem with the app",
            "Cancel please", "Thank you", "Question about sizes", "Refund"]
        var generator = SplitMix(seed: 42)
        return (0..<count).map { index in
            var text = ""
            while text.utf8.count < bytes {
                text += sentences[Int(generator.next() % UInt64(sentences.count))]
                text += generator.next() % 4 == 0 ? "\n\n" : " "
            }
            return (subjects[index % subjects.count], text)
        }
    }

    /// A tiny seeded generator so every run measures the same mail.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

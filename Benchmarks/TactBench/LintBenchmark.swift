import Courtesy
import Foundation

/// Drafts linted per second with the whole default pack, compiled once, on one core.
/// `TactBench lint [seconds]` (default 3).
// Computed, because `Benchmark` is not Sendable and a global `let` of it would be shared state.
var lintBenchmark: Benchmark {
    Benchmark(name: "lint", summary: "courtesy linter: ~1 KB drafts/s, default pack, one core", run: runLintBenchmark)
}

private func runLintBenchmark(_ arguments: [String]) async throws {
    let seconds = try Positional(arguments, usage: "lint [seconds]", atMost: 1).seconds(0, "seconds", or: 3)
    let linter = Linter(pack: try RulePack.standard())
    let drafts = LintBenchmarkDrafts.make()
    let bytes = drafts.map(\.utf8.count).reduce(0, +) / drafts.count
    // Warm up, and make sure the drafts really exercise the rules.
    var findings = 0
    for draft in drafts { findings += linter.lint(draft, context: LintBenchmarkDrafts.context).count }
    var linted = 0
    let start = Date()
    let cpuStart = threadCPUSeconds()
    var elapsed = 0.0
    while elapsed < seconds {
        for draft in drafts { findings &+= linter.lint(draft, context: LintBenchmarkDrafts.context).count }
        linted += drafts.count
        elapsed = Date().timeIntervalSince(start)
    }
    // CPU time of this thread: the machine is shared, so wall time undercounts one core's speed.
    let cpu = threadCPUSeconds() - cpuStart
    print("lint: \(drafts.count) drafts of ~\(bytes) bytes, \(linter.pack.rules.count) rules, one thread")
    let wall = String(format: "%.2f", elapsed)
    print("lint: \(linted) drafts in \(wall) s wall = \(Int(Double(linted) / elapsed)) drafts/s")
    let cpuText = String(format: "%.2f", cpu)
    print("lint: \(cpuText) s CPU = \(Int(Double(linted) / cpu)) drafts per CPU-second (findings: \(findings))")
}


enum LintBenchmarkDrafts {
    static let context = LintContext(
        category: "complaint", sentiment: "negative", firstName: "Jane", askedHowAreYou: true)

    static let paragraphs = [
        "Thank you for getting in touch about your order, and I'm sorry the parcel arrived with a cracked lid. "
            + "I can see how frustrating that must have been after waiting a week for it.",
        "I have arranged a replacement, which leaves our warehouse today and should reach you by Thursday. "
            + "You don't need to send the damaged one back; please keep or recycle it.",
        "I have also refunded the delivery charge of £4.95 to the card ending 4242. Banks usually show it "
            + "within three working days, and I'll check on Friday that it has gone through.",
        "If the tracking link in the confirmation email doesn't open, reply to this email and I will look "
            + "into it straight away. The API export and the CSV invoice now include VAT.",
        "No problem at all, we are very busy this week but I'll get back to you soon!! Obviously the "
            + "invoice is attached; just click the link. Other customers have had the same issue.",
        "I'm well, thank you for asking, and I hope you are too. Your account is on the annual plan, which "
            + "renews on 3 March; I have switched off automatic renewal as you asked.",
    ]

    /// Twelve drafts of about 1 KB: greeting, five paragraphs, sign-off, signature and a quote.
    static func make() -> [String] {
        (0..<12).map { number in
            var text = number % 3 == 0 ? "Hi Jane,\n\n" : "Hello,\n\n"
            for offset in 0..<5 { text += paragraphs[(number + offset) % paragraphs.count] + "\n\n" }
            text += "Best regards,\nPriya Shah\nCustomer Care\n-- \nAcme Ltd · 1 High Street · +44 20 7946 0000\n\n"
            text += "On Mon, 3 Jun 2024 at 09:12, Jane <jane@example.com> wrote:\n> My order arrived broken!!\n"
            return text
        }
    }
}

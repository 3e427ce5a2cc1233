import Foundation
import MailTransport
import TactTestSupport

/// A ~4 KB message with LF line ends (as maildir files hold them).
private func benchMessage(_ i: Int) -> [UInt8] {
    var text = "From: customer\(i)@example.com\nTo: support@example.com\nSubject: Order \(i)\n"
    text += "Message-ID: <\(i)@bench.example.com>\n\n"
    let line = "Hello, I have a question about my order number \(i), it has not arrived yet.\n"
    while text.utf8.count < 4000 { text += line }
    return Array(text.utf8)
}

/// `imap-fetch [count] [fetch-only]`: batch fetch throughput against a throwaway Dovecot on loopback, then the
/// imaplib baseline against the same server; and `anything new?` on a 100,000-message mailbox.
@MainActor let imapFetchBenchmark = Benchmark(
    name: "imap-fetch",
    summary: "IMAP batch fetch msgs/s (10,000 x 4 KB) vs imaplib, and one 'anything new?' on 100,000"
) { arguments in
    let count = try Positional(arguments.filter { $0 != "fetch-only" }, usage: "imap-fetch [count] [fetch-only]", atMost: 1)
        .integer(0, "count", or: 10_000)
    let clock = ContinuousClock()
    try await withDovecot { dovecot in
        try dovecot.bulkLoad(count: count, body: benchMessage)
        let session = IMAPSession(endpoint: dovecot.endpoint(.plaintext), credentials: dovecot.credentials())
        // Warm-up: Dovecot indexes the new maildir files at the first SELECT.
        _ = try await session.select("INBOX")
        let uids = try await session.uids(above: 0)
        let started = clock.now
        let result = try await session.fetch(uids: uids)
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(result.messages.count) / seconds
        print(String(format: "tact    messages=%d seconds=%.3f messages_per_second=%.0f", result.messages.count, seconds, rate))
        await session.close()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("imaplib_baseline.py").path
        let python = try Command.locate(["/usr/bin/python3"], package: "python3")
        let baseline = try Command.run(
            python, [script, "127.0.0.1", "\(dovecot.plainPort)", dovecot.user, dovecot.password])
        print(baseline.stdout.trimmingCharacters(in: .whitespacesAndNewlines), baseline.stderr)
        if let field = baseline.stdout.split(separator: " ").last(where: { $0.hasPrefix("messages_per_second=") }),
            let theirs = Double(field.dropFirst("messages_per_second=".count).trimmingCharacters(in: .whitespacesAndNewlines))
        {
            print(String(format: "ratio imaplib/tact = %.2f (target <= 2.0)", theirs / rate))
        }
    }
    // `imap-fetch N fetch-only` skips the 100,000-message part.
    if arguments.contains("fetch-only") { return }
    try await withDovecot { dovecot in
        try dovecot.bulkLoad(count: 100_000) { i in Array("Subject: m\(i)\n\nbody \(i)\n".utf8) }
        let session = IMAPSession(endpoint: dovecot.endpoint(.plaintext), credentials: dovecot.credentials())
        let status = try await session.select("INBOX")
        let highest = status.uidNext - 1
        _ = try await session.uids(above: highest)
        let rounds = 50
        let started = clock.now
        for _ in 0..<rounds {
            let new = try await session.uids(above: highest)
            precondition(new.isEmpty, "nothing was delivered, yet new UIDs were reported")
        }
        let each = (clock.now - started) / rounds
        print("anything-new check on \(status.messageCount) messages, nothing new: \(each) per check (mean of \(rounds))")
    }
}

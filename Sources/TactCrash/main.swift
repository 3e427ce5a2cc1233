// TactCrash: the crash-anywhere test. Runs `tact run` against a throwaway Dovecot and SMTP sink
// with a steady stream of customer mail and approvals, kills it with SIGKILL at random moments
// and restarts it, again and again; then lets it finish and checks the invariants:
//   - every delivered message has exactly one outcome (one row per UID; none missing);
//   - every approved reply reached the sink exactly once, or is visibly `failed`, or is
//     `outcome-unknown` (killed mid-send: at most one copy, never two);
//   - no reply reached the sink twice; no customer message is \Seen.
// Prints the number of kills and the result; exits 1 if an invariant is broken.
//
// Usage: TactCrash [KILLS] [SEED]   (scripts/crash-anywhere builds and runs it)
import Foundation
import Store
import TactTestSupport

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let kills = arguments.count > 1 ? Int(arguments[1]) ?? 100 : 100
let seed = arguments.count > 2 ? UInt64(arguments[2]) ?? UInt64(time(nil)) : UInt64(time(nil))
guard kills > 0 else {
    FileHandle.standardError.write(Data("usage: TactCrash [KILLS] [SEED]\n".utf8))
    exit(2)
}

func customerMail(_ index: Int) -> [UInt8] {
    SampleMail.customer(index, date: SampleMail.dateHeader(Date().addingTimeInterval(-60)), tag: "crash")
}

func say(_ text: String) { FileHandle.standardOutput.write(Data("crash-anywhere: \(text)\n".utf8)) }

do {
    var random = SplitMix64(seed: seed)
    let dovecot = try Dovecot()
    defer { dovecot.tearDown() }
    let sink = try SMTPSink()
    defer { sink.stop() }
    let directory = try TemporaryDirectory(prefix: "tact-crash")
    defer { directory.remove() }
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let config = try writeTactConfiguration(
        in: directory.path, dovecot: dovecot, sink: sink, repository: repository,
        daemonSettings: "hourly_cap = 100000")
    let logPath = directory.path + "/daemon.log"
    let store = try SQLiteStore(path: directory.path + "/tact.sqlite")
    say("seed \(seed), \(kills) kills; Dovecot on \(dovecot.plainPort), SMTP sink on \(sink.port)")

    var daemon = try DaemonProcess(arguments: ["--config", config], logPath: logPath)
    guard eventually(timeout: .seconds(30), { (try? store.mailboxState("support")) != nil }) else {
        throw TestSupportError("the daemon did not start: \(daemon.log)")
    }
    var delivered = 0
    var approved = Set<Int64>()
    let started = Date()
    for kill in 1...kills {
        // Some new mail, and approvals of what is queued (as reviewers would), then a kill at a
        // random moment: while fetching, drafting, committing, sending or idle.
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            delivered += 1
            try dovecot.deliver(customerMail(delivered))
        }
        for draft in try store.drafts(in: .queued) where Bool.random(using: &random) {
            if (try? store.transition(draft: draft.id, from: .queued, to: .approved, actor: "reviewer", reason: nil)) != nil {
                approved.insert(draft.id)
            }
        }
        // Wake its outbox as `tact queue approve` does: only a daemon that holds the lock (so has
        // its handlers) is signalled; before that, a signal would end a process still starting.
        if daemon.hasStarted { daemon.signal(SIGUSR1) }
        usleep(UInt32.random(in: 0...400_000, using: &random))
        daemon.kill9()
        if kill % 10 == 0 { say("\(kill) kills, \(delivered) mails delivered, \(approved.count) replies approved") }
        daemon = try DaemonProcess(arguments: ["--config", config], logPath: logPath)
    }
    // Let it finish: every mail recorded, nothing left approved or sending.
    let settled = eventually(timeout: .seconds(120)) {
        let recorded = (try? store.outcomeCounts(mailbox: "support").values.reduce(0, +)) ?? 0
        let pending = ((try? store.drafts(in: .approved).count) ?? 1) + ((try? store.drafts(in: .sending).count) ?? 1)
        if pending > 0 && daemon.hasStarted { daemon.signal(SIGUSR1) }
        return recorded == delivered && pending == 0
    }
    // SIGTERM once this daemon has installed its handlers (before that, the default action
    // would end it, which is fine for systemd but not what is tested here).
    _ = eventually(timeout: .seconds(30)) { daemon.hasStarted }
    daemon.signal(SIGTERM)
    let status = daemon.waitForExit(timeout: .seconds(20))

    // The invariants.
    var broken: [String] = []
    if !settled { broken.append("the daemon did not settle within 2 minutes") }
    if status != 0 { broken.append("the final SIGTERM did not exit 0 (\(String(describing: status)))") }
    let counts = try store.outcomeCounts(mailbox: "support")
    let recorded = counts.values.reduce(0, +)
    if recorded != delivered { broken.append("\(delivered) mails delivered but \(recorded) recorded") }
    let drafts = try store.drafts(in: nil)
    var uids: [UInt32: Int] = [:]
    for draft in drafts {
        if let message = try store.message(rowID: draft.messageRowID) { uids[message.message.uid, default: 0] += 1 }
    }
    if let twice = uids.first(where: { $0.value > 1 }) { broken.append("UID \(twice.key) has \(twice.value) drafts") }
    var copies: [String: Int] = [:]
    for message in try sink.messages() {
        let text = String(decoding: message.raw, as: UTF8.self)
        if let line = text.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("message-id:") }) {
            copies[String(line.dropFirst("message-id:".count)).trimmingCharacters(in: .whitespaces), default: 0] += 1
        }
    }
    var sent = 0, unknown = 0, failed = 0
    for id in approved {
        guard let draft = try store.draft(id: id), let messageID = draft.draft.replyMessageID else { continue }
        let arrived = copies[messageID] ?? 0
        switch draft.state {
        case .sent:
            sent += 1
            if arrived != 1 { broken.append("draft \(id) is sent but reached the sink \(arrived) times") }
        case .outcomeUnknown:
            unknown += 1
            if arrived > 1 { broken.append("draft \(id) (outcome unknown) reached the sink \(arrived) times") }
        case .failed:
            failed += 1
            if arrived > 0 { broken.append("draft \(id) is failed but reached the sink") }
        case .superseded, .rejected:
            if arrived > 0 { broken.append("draft \(id) is \(draft.state.rawValue) but reached the sink") }
        default:
            broken.append("draft \(id) was approved but is still \(draft.state.rawValue)")
        }
    }
    if let twice = copies.first(where: { $0.value > 1 }) { broken.append("\(twice.key) reached the sink \(twice.value) times") }
    let seen = try dovecot.doveadm("search", ["mailbox", "INBOX", "seen"]).split(whereSeparator: \.isNewline).count
    if seen > 0 { broken.append("\(seen) customer messages are \\Seen") }
    // What a killed daemon left behind (its log) never holds the password.
    if daemon.log.contains(dovecot.password) { broken.append("the IMAP password appears in the daemon's log") }

    let seconds = Int(Date().timeIntervalSince(started))
    say("\(kills) kills in \(seconds) s; \(delivered) mails, each recorded once (\(counts.map { "\($0.value) \($0.key.rawValue)" }.sorted().joined(separator: ", ")))")
    say("\(approved.count) replies approved: \(sent) sent exactly once, \(unknown) outcome-unknown (killed mid-send, never twice), \(failed) failed; 0 \\Seen")
    if broken.isEmpty {
        say("PASS: every invariant held")
    } else {
        for problem in broken { say("BROKEN: \(problem)") }
        say("FAIL (repeat with: TactCrash \(kills) \(seed)); daemon log tail:\n" + String(daemon.log.suffix(3000)))
        exit(1)
    }
} catch {
    FileHandle.standardError.write(Data("crash-anywhere: \(error)\n".utf8))
    exit(1)
}

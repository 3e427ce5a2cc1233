import Dispatch
import Foundation
import Store
import TactTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A scripted editor: a shell script running `script` on the file ($1).
func scriptedEditor(_ directory: TemporaryDirectory, _ script: String) throws -> String {
    let file = directory.url.appendingPathComponent("editor.sh")
    try "#!/bin/sh\n\(script)\n".write(to: file, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
    return file.path
}

/// A tmux server of our own (its own socket), one detached session of a fixed size running `sh`:
/// keys go in with send-keys, the screen comes back with capture-pane. Killed by `stop()`.
final class TmuxTerminal {
    let tmux: String
    let socket = "tact-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    let session = "review"

    init(width: Int, height: Int, environment: [String: String]) throws {
        guard let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first(where: FileManager.default.isExecutableFile) else {
            throw TestSupportError("tmux is not installed: run scripts/install-deps (it installs tmux for the terminal tests)")
        }
        self.tmux = tmux
        var environment = environment
        environment["NO_COLOR"] = nil
        environment["TMUX"] = nil
        // The server outlives this command. Foundation's Process sees a child end only when every
        // holder of a socket it hands the child has exited, and the server would hold it for good;
        // so the first client is spawned directly, through bash closing every descriptor above stderr.
        let closeAndRun = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; exec "$@""#
        let arguments = [
            "/bin/bash", "-c", closeAndRun, "tmux-start", tmux, "-L", self.socket, "-f", "/dev/null", "new-session", "-d",
            "-s", self.session, "-x", "\(width)", "-y", "\(height)", "/bin/sh",
        ]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in [0, 1, 2] as [Int32] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // This thread may block signals (Dispatch's do); the server would inherit that and ignore
        // the SIGTERM that `kill-server` sends it. Start with no signal blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw TestSupportError("cannot start tmux: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw TestSupportError("tmux new-session failed (wait status \(status))") }
        // dash ignores an inherited PS1 when run as root: once its own prompt shows, set a known one.
        let deadline = Date().addingTimeInterval(30)
        while try self.screen().trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && Date() < deadline { usleep(50_000) }
        try self.type("PS1='tmux$ '", enter: true)
        _ = try self.waitFor("\ntmux$ ")
    }

    @discardableResult
    func tmuxCommand(_ arguments: [String]) throws -> CommandResult {
        let result = try Command.run(self.tmux, ["-L", self.socket] + arguments)
        guard result.status == 0 else { throw TestSupportError("tmux \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
        return result
    }

    /// Types `text` literally (no key names), then Enter if asked.
    func type(_ text: String, enter: Bool = false) throws {
        try self.tmuxCommand(["send-keys", "-t", self.session, "-l", text])
        if enter { try self.key("Enter") }
    }

    /// A named key: Enter, C-c, …
    func key(_ name: String) throws {
        try self.tmuxCommand(["send-keys", "-t", self.session, name])
    }

    /// The screen and its scrollback, wrapped lines joined; with escapes (`-e`) if asked.
    func screen(escapes: Bool = false) throws -> String {
        try self.tmuxCommand(["capture-pane", "-p", "-J", "-S", "-2000", "-t", self.session] + (escapes ? ["-e"] : [])).stdout
    }

    /// Polls the screen until `text` appears `count` times; fails with the screen after `timeout`.
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, timeout: TimeInterval = 30) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try self.screen()
            if screen.components(separatedBy: text).count - 1 >= count { return screen }
            usleep(50_000)
        }
        throw TestSupportError("timed out waiting for \(text.debugDescription) (\(count)×); the screen:\n\(screen)")
    }

    /// Does `action` and waits until one more `text` is on the screen than before it (the scrollback
    /// keeps older screens, so a plain wait could match one of those).
    @discardableResult
    func after(_ action: () throws -> Void, waitFor text: String) throws -> String {
        let before = try self.screen().components(separatedBy: text).count - 1
        try action()
        return try self.waitFor(text, count: before + 1)
    }

    /// Runs `command` in the pane's shell and returns what it printed (between two echoed marks;
    /// the screen with escapes if asked).
    func run(_ command: String, escapes: Bool = false) throws -> String {
        let mark = "MARK\(UUID().uuidString.prefix(8))"
        try self.after({ try self.type("echo \(mark)-BEGIN; \(command); echo \(mark)-END", enter: true) }, waitFor: "\n\(mark)-END")
        let screen = try self.screen(escapes: escapes)
        // Not "\nMARK-BEGIN": keys typed before the prompt shows put the prompt in front of it.
        guard let begin = screen.range(of: "\(mark)-BEGIN\n"), let end = screen.range(of: "\n\(mark)-END", range: begin.upperBound..<screen.endIndex)
        else { throw TestSupportError("the output of \(command) is not on the screen:\n\(screen)") }
        return String(screen[begin.upperBound..<end.lowerBound]) + "\n"
    }

    /// The pid of the program running in the pane's shell, if any.
    func foregroundChild() throws -> pid_t? {
        let shell = try self.tmuxCommand(["display-message", "-p", "-t", self.session, "#{pane_pid}"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let children = try Command.run("/bin/ps", ["-o", "pid=", "--ppid", shell]).stdout
        return children.split(separator: "\n").compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }.first
    }

    func stop() {
        let socketPath = (try? self.tmuxCommand(["display-message", "-p", "#{socket_path}"]))?.stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try? self.tmuxCommand(["kill-server"])
        if let socketPath, !socketPath.isEmpty { try? FileManager.default.removeItem(atPath: socketPath) }
    }
}

@Suite struct ReviewCommandTests {
    let config = repositoryRoot.appendingPathComponent("config/tact.toml").path

    @Test func aReviewerApprovesRejectsAndEditsInARealTerminal() throws {
        let directory = try TemporaryDirectory(prefix: "tact-review")
        defer { directory.remove() }
        let path = try makeQueuedStore(directory)
        var environment = ProcessInfo.processInfo.environment
        environment["VISUAL"] = nil
        environment["EDITOR"] = try scriptedEditor(directory, "sed -i 's/I am sorry./No problem, we are very busy!!/' \"$1\"")
        let terminal = try TmuxTerminal(width: 100, height: 40, environment: environment)
        defer { terminal.stop() }
        let review = "\(TactBinary.path) review --store \(path) --config \(self.config) --as maria"

        try terminal.type(review, enter: true)
        var screen = try terminal.waitFor("draft 1: [a]pprove [e]dit [r]eject [s]kip [q]uit [?] help >")
        #expect(screen.contains("1 of 3"))
        #expect(screen.contains("My order #48213 has not arrived."))  // the customer's words
        #expect(screen.contains("no findings"))
        // One key, no Enter: approve.
        try terminal.type("a")
        screen = try terminal.waitFor("draft 2: [a]pprove")
        #expect(screen.contains("draft 1 approved by maria"))
        #expect(screen.contains("I want my money back."))
        #expect(screen.contains("3:1 error arguing Never argue with a customer."))  // the finding, with line:column
        #expect(screen.contains("    As I already explained, no."))  // the matched text
        #expect(screen.contains("suggestion: Explain again, kindly."))
        // Reject, typing a reason.
        try terminal.type("r")
        try terminal.waitFor("Why reject it?")
        try terminal.type("answered by phone", enter: true)
        screen = try terminal.waitFor("draft 3: [a]pprove")
        #expect(screen.contains("draft 2 rejected by maria"))
        // Edit with the scripted editor: saved, linted again, findings shown, same draft asked again.
        try terminal.type("e")
        screen = try terminal.waitFor("draft 3: [a]pprove", count: 2)
        #expect(screen.contains("draft 3 saved"))
        for rule in ["no-problem", "busy-excuse", "shouting"] { #expect(screen.contains(rule), "\(rule) should be shown") }
        try terminal.type("?")
        try terminal.waitFor("skip: leave it queued")
        try terminal.type("q")
        screen = try terminal.waitFor("approved 1, rejected 1, edited 1, skipped 0")

        let store = try SQLiteStore(path: path)
        #expect(try store.draft(id: 1)?.state == .approved)
        #expect(try store.draft(id: 2)?.state == .rejected)
        #expect(try store.draft(id: 3)?.state == .queued)
        #expect(try store.draft(id: 3)?.draft.body.contains("No problem, we are very busy!!") == true)
        #expect(try store.draft(id: 3)?.draft.findingsJSON.contains("busy-excuse") == true)
        #expect(try store.auditTrail(messageRowID: 1).last?.actor == "maria")
        #expect(try store.auditTrail(messageRowID: 2).last.map { [$0.actor, $0.action, $0.detail ?? ""] } == ["maria", "rejected", "answered by phone"])
        #expect(try store.auditTrail(messageRowID: 3).last.map { [$0.actor, $0.action] } == ["maria", "revised"])

        // `tact queue list` on a terminal: coloured, each line within 80 columns.
        let list = "\(TactBinary.path) queue list --store \(path)"
        let coloured = try terminal.run(list, escapes: true)
        #expect(coloured.contains("\u{1B}["), "queue list on a terminal should be coloured: \(coloured)")
        let plain = try terminal.run(list)
        #expect(plain.hasPrefix("ID    AGE  CUSTOMER"), "\(plain)")
        let row = try #require(plain.split(separator: "\n").first { $0.contains("Ana Lima") })
        #expect(row.count <= 80 && row.contains("complaint") && row.contains("4W"))
        // … and plain with NO_COLOR even on a terminal.
        let uncoloured = try terminal.run("NO_COLOR=1 \(list)", escapes: true)
        #expect(uncoloured.contains("Ana Lima"))
        #expect(!uncoloured.contains("\u{1B}["), "NO_COLOR=1 should turn colour off: \(uncoloured)")

        // Ctrl-C while a key is awaited: the terminal is put back (echo and line mode on again).
        let modes = "stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | sed 's/^/MODE:/'"
        try terminal.after({ try terminal.type(review, enter: true) }, waitFor: "draft 3: [a]pprove")
        try terminal.after({ try terminal.key("C-c") }, waitFor: "tmux$ ")  // the shell is back
        var modesNow = try terminal.run(modes)
        #expect(modesNow.contains("MODE:icanon\n") && modesNow.contains("MODE:echo\n"), "\(modesNow)")
        #expect(!modesNow.contains("MODE:-icanon") && !modesNow.contains("MODE:-echo"))

        // SIGTERM likewise.
        try terminal.after({ try terminal.type(review, enter: true) }, waitFor: "draft 3: [a]pprove")
        let child = try #require(try terminal.foregroundChild())
        try terminal.after({ kill(child, SIGTERM) }, waitFor: "tmux$ ")
        modesNow = try terminal.run(modes)
        #expect(modesNow.contains("MODE:icanon\n") && modesNow.contains("MODE:echo\n"), "\(modesNow)")
        #expect(!modesNow.contains("MODE:-icanon") && !modesNow.contains("MODE:-echo"))

        // Ctrl-Z: the shell gets its normal terminal back; after `fg` a single key works again.
        try terminal.after({ try terminal.type(review, enter: true) }, waitFor: "draft 3: [a]pprove")
        try terminal.after({ try terminal.key("C-z") }, waitFor: "tmux$ ")
        modesNow = try terminal.run(modes)
        #expect(modesNow.contains("MODE:icanon\n") && modesNow.contains("MODE:echo\n"), "\(modesNow)")
        try terminal.type("fg", enter: true)
        usleep(300_000)  // the job is back in the foreground before the key is sent
        try terminal.after({ try terminal.type("s") }, waitFor: "approved 0, rejected 0, edited 0, skipped 1")
        #expect(try store.draft(id: 3)?.state == .queued)
    }

    @Test func scriptedInputForcesPastErrorsWithAReasonAndSkips() throws {
        let directory = try TemporaryDirectory(prefix: "tact-review")
        defer { directory.remove() }
        let path = try makeQueuedStore(directory)
        // Draft 1 skipped; draft 2 approved: refused first (empty reason goes back), then forced with a reason; end of input on 3.
        let input = "s\na\n\na\nquoting the customer on purpose\n"
        let result = try TactBinary.run(["review", "--store", path, "--as", "sam"], input: Data(input.utf8))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("draft 2 has 1 error-level finding(s): arguing."))
        #expect(result.stdout.contains("Approve anyway? Say why"))
        #expect(result.stdout.contains("draft 2 approved by sam"))
        #expect(result.stdout.contains("approved 1, rejected 0, edited 0, skipped 1"))
        #expect(!result.stdout.contains("\u{1B}["))  // piped: plain
        let store = try SQLiteStore(path: path)
        #expect(try store.draft(id: 1)?.state == .queued)
        #expect(try store.draft(id: 2)?.state == .approved)
        #expect(try store.auditTrail(messageRowID: 2).last?.detail == "forced past arguing: quoting the customer on purpose")
        #expect(try store.draft(id: 3)?.state == .queued)
    }

    @Test func aDraftSomeoneElseHandledIsNamedAndPassedOver() throws {
        let directory = try TemporaryDirectory(prefix: "tact-review")
        defer { directory.remove() }
        let path = try makeQueuedStore(directory)
        // While maria edits draft 1, sam approves it (the scripted editor does it, so the timing is
        // exact) and then draft 2: her edit is refused, and draft 2 is passed over, both naming sam.
        var environment = ProcessInfo.processInfo.environment
        environment["VISUAL"] = nil
        let tact = "'\(TactBinary.path)' queue approve --store '\(path)' --as sam --force --reason fine"
        environment["EDITOR"] = try scriptedEditor(directory, "\(tact) 1 >/dev/null; \(tact) 2 >/dev/null; echo 'Best wishes' >> \"$1\"")
        let result = try TactBinary.run(
            ["review", "--store", path, "--config", self.config, "--as", "maria"], input: Data("e\nr\ntoo late\n".utf8),
            environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.components(separatedBy: "draft 1 was already approved by sam").count == 2, "\(result.stdout)")
        #expect(result.stdout.contains("draft 2 was already approved by sam"))
        #expect(result.stdout.contains("draft 3 rejected by maria"))
        #expect(result.stdout.contains("approved 0, rejected 1, edited 0, skipped 0, already handled by others 2"))
        let store = try SQLiteStore(path: path)
        #expect(try store.draft(id: 1)?.draft.body.contains("Best wishes") == false)
        #expect(try store.draft(id: 3)?.state == .rejected)
    }

    @Test func anEmptyQueueSaysSo() throws {
        let directory = try TemporaryDirectory(prefix: "tact-review")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        _ = try SQLiteStore(path: path)
        let result = try TactBinary.run(["review", "--store", path], input: Data())
        #expect(result.status == 0)
        #expect(result.stdout == "no queued drafts\n")
    }
}

@Suite struct ConcurrentApprovalTests {
    /// For each of ten drafts, two reviewers approve at the same moment: one wins, the other is told who.
    @Test func twoApproversPerDraftExactlyOneWinsAndTheOtherIsToldWho() throws {
        let directory = try TemporaryDirectory(prefix: "tact-race")
        defer { directory.remove() }
        let path = directory.url.appendingPathComponent("tact.sqlite").path
        let store = try SQLiteStore(path: path)
        for uid in 1...10 as ClosedRange<UInt32> {
            _ = try store.record(
                IncomingMessage(mailbox: "support", uidValidity: 1, uid: uid, messageID: nil, sender: "c\(uid)@example.org",
                                subject: "Order \(uid)", receivedAt: Date(), outcome: .drafted, category: "order-status"),
                draft: NewDraft(template: "order-status", subject: "Re: Order \(uid)", body: "Hi,\n\nThank you.\n"), actor: "daemon")
        }
        for id in 1...10 as ClosedRange<Int64> {
            // One box per reviewer: both processes start at the same moment.
            let boxes = [LockedBox<CommandResult?>(nil), LockedBox<CommandResult?>(nil)]
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                boxes[index].value = try? TactBinary.run(["queue", "approve", String(id), "--store", path, "--as", index == 0 ? "a" : "b"])
            }
            var all: [String: CommandResult] = [:]
            for (index, box) in boxes.enumerated() { if let result = box.value { all[index == 0 ? "a" : "b"] = result } }
            #expect(all.count == 2)
            let winners = all.filter { $0.value.status == 0 }
            let losers = all.filter { $0.value.status != 0 }
            #expect(winners.count == 1 && losers.count == 1, "draft \(id): \(all.mapValues { "\($0.status) \($0.stdout)\($0.stderr)" })")
            guard let winner = winners.first, let loser = losers.first else { continue }
            #expect(winner.value.stdout.contains("draft \(id) approved by \(winner.key)"))
            #expect(loser.value.status == 1)
            #expect(loser.value.stdout.contains("draft \(id) was already approved by \(winner.key)"), "\(loser.value.stdout)\(loser.value.stderr)")
            let approvals = try store.auditTrail(messageRowID: id).filter { $0.action == "approved" }
            #expect(approvals.map(\.actor) == [winner.key])
        }
    }
}

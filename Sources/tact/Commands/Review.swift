import ArgumentParser
import Configuration
import Foundation
import Store

#if canImport(Glibc)
import Glibc
#endif

/// `tact review`: the queued drafts one at a time, oldest first, each settled with one key.
/// The actions are the ones `tact queue approve/reject/edit` run (the shared functions in
/// Queue.swift and Queue+Edit.swift); only the walk and the keyboard are here.
struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk through the queued drafts, oldest first: approve, edit, reject or skip each with one key.",
        discussion: """
            Keys: a approve, e edit in $EDITOR (linted again on save), r reject (asks why), s skip, q quit, \
            ? help. On a terminal a single keypress is enough; when stdin is not a terminal (a script, a \
            pipe), give one key per line and each reason on its own line. A draft with error-level findings \
            is approved only with a reason for forcing it. If someone else acted on a draft first, you are \
            told who, and the walk moves on.
            """)

    @OptionGroup var location: Queue.Location
    @OptionGroup var actor: Queue.Actor

    static let help = """
        a  approve: queue the reply for sending (asks for a reason if error-level findings remain)
        e  edit the draft in $EDITOR; it is linted again when you save
        r  reject: it is never sent (asks for a reason)
        s  skip: leave it queued and go to the next draft
        q  quit (what you did so far is kept)
        ?  this help
        """

    struct Tally {
        var approved = 0, rejected = 0, edited = 0, skipped = 0, takenByOthers = 0, stillQueued = 0

        var summary: String {
            var parts = ["approved \(approved)", "rejected \(rejected)", "edited \(edited)", "skipped \(skipped)"]
            if takenByOthers > 0 { parts.append("already handled by others \(takenByOthers)") }
            return parts.joined(separator: ", ") + (stillQueued > 0 ? " (\(stillQueued) still queued)" : "")
        }
    }

    /// Runs an approval or rejection; false, after saying why, when someone else acted first.
    static func settle(_ action: () throws -> Void) throws -> Bool {
        do {
            try action()
            return true
        } catch let refusal as NotChanged {
            print(refusal.description)
            return false
        }
    }

    func run() throws {
        let store = try self.location.open()
        let actor = self.actor.resolved
        let input = KeyInput()
        let queued = try store.drafts(in: .queued)
        guard !queued.isEmpty else {
            print("no queued drafts")
            return
        }
        var tally = Tally()
        var configuration: TactConfiguration?
        walk: for (index, listed) in queued.enumerated() {
            var shown = false
            var edited = false
            while true {
                // Read again each time: someone else may have acted on it since the list was made.
                guard let draft = try store.draft(id: listed.id), draft.state == .queued else {
                    if let draft = try store.draft(id: listed.id) { print(Queue.alreadyHandled(draft, in: store)) }
                    tally.takenByOthers += 1
                    continue walk
                }
                if !shown {
                    print("\n" + Queue.paint("── \(index + 1) of \(queued.count) " + String(repeating: "─", count: 40), "36"))
                    try Queue.printDraft(draft, from: store)
                    shown = true
                }
                let prompt = "draft \(draft.id): " + Queue.paint("[a]", "1") + "pprove " + Queue.paint("[e]", "1") + "dit "
                    + Queue.paint("[r]", "1") + "eject " + Queue.paint("[s]", "1") + "kip " + Queue.paint("[q]", "1") + "uit "
                    + Queue.paint("[?]", "1") + " help > "
                guard let key = input.key(prompt: prompt) else {
                    print("(end of input)")
                    break walk
                }
                switch key {
                case "a", "A":
                    var forceReason: String?
                    let errors = Queue.errorFindings(of: draft)
                    if !errors.isEmpty {
                        print("draft \(draft.id) has \(errors.count) error-level finding(s): \(errors.map(\.rule).joined(separator: ", ")).")
                        guard let reason = input.line(prompt: "Approve anyway? Say why (an empty line goes back): "), !reason.isEmpty
                        else { continue }
                        forceReason = reason
                    }
                    let done = try Self.settle {
                        try Queue.approve(draft, in: store, actor: actor, forcedBecause: forceReason, configFile: self.location.configFile)
                    }
                    if done { tally.approved += 1 } else { tally.takenByOthers += 1 }
                    continue walk
                case "r", "R":
                    guard let reason = input.line(prompt: "Why reject it? (an empty line goes back): "), !reason.isEmpty else { continue }
                    let done = try Self.settle { try Queue.reject(draft.id, from: .queued, in: store, actor: actor, reason: reason) }
                    if done { tally.rejected += 1 } else { tally.takenByOthers += 1 }
                    continue walk
                case "e", "E":
                    do {
                        let editor = try editorCommand(for: "tact review")
                        if configuration == nil { configuration = try loadConfiguration(self.location.configFile) }
                        if try Queue.edit(draft, in: store, editor: editor, configuration: configuration!, actor: actor), !edited {
                            edited = true
                            tally.edited += 1
                        }
                    } catch let refusal as NotChanged {
                        // Someone else acting meanwhile is told once, at the top of the loop.
                        if try store.draft(id: draft.id)?.state == .queued { print(refusal.description) }
                    } catch let problem as CLIError {
                        print("tact: \(problem.description)")
                    }
                case "s", "S":
                    tally.skipped += 1
                    continue walk
                case "q", "Q":
                    break walk
                case "?", "h":
                    print(Self.help)
                default:
                    print("\(key) is not a key here: press ? for help")
                }
            }
        }
        tally.stillQueued = (try? store.drafts(in: .queued).count) ?? 0
        print(tally.summary)
    }
}

/// The reviewer's keyboard. On a terminal, one keypress is read in cbreak mode (no Enter, no
/// echo, Ctrl-C still a signal); the terminal is put back before the key is handled, and by the
/// signal handlers if the process is interrupted meanwhile, so it is never left changed. When stdin
/// is not a terminal, keys come one per line. Lines (reasons) are read in the terminal's normal
/// mode, so the reviewer can correct typing.
final class KeyInput {
    let isTerminal = isatty(STDIN_FILENO) == 1

    init() {
        if self.isTerminal { TerminalMode.installSignalHandlers() }
    }

    /// The next key, or nil at the end of input (Ctrl-D on a terminal).
    func key(prompt: String) -> Character? {
        print(prompt, terminator: "")
        fflush(nil)
        guard self.isTerminal else {
            while let line = self.readLine() {
                if let key = line.trimmingCharacters(in: .whitespaces).first {
                    print(key)
                    return key
                }
            }
            print("")
            return nil
        }
        TerminalMode.enterCBreak()
        defer { TerminalMode.restore() }
        var buffer = [UInt8](repeating: 0, count: 32)
        while true {
            let count = read(STDIN_FILENO, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0, buffer[0] != 4 else {  // end of input, or Ctrl-D
                print("")
                return nil
            }
            // An arrow or function key arrives as one escape sequence: ignore it.
            if buffer[0] == 0x1B { continue }
            guard let key = String(decoding: buffer[0..<count], as: UTF8.self).first, key != "\n", key != "\r" else { continue }
            print(key)
            return key
        }
    }

    /// One line, without its newline, trimmed; nil at the end of input.
    func line(prompt: String) -> String? {
        print(prompt, terminator: "")
        fflush(nil)
        return self.readLine()?.trimmingCharacters(in: .whitespaces)
    }

    /// Reads byte by byte with read(2), so nothing is buffered past the line (keys in cbreak mode
    /// read the same descriptor).
    private func readLine() -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The terminal settings saved before cbreak mode. Globals, because the signal handler (plain C,
/// no captures) restores them; both are set before the handler is installed.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var cbreakTerminal = termios()
nonisolated(unsafe) private var terminalChanged: sig_atomic_t = 0

/// Ctrl-Z while a key is awaited: the shell gets its terminal back as it was, and cbreak mode
/// returns when the job is resumed.
private func suspendHandler(_ received: Int32) {
    if terminalChanged != 0 { _ = tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal) }
    signal(SIGTSTP, SIG_DFL)
    // The signal being handled is blocked until the handler returns: unblock it to stop now.
    var suspend = sigset_t()
    sigemptyset(&suspend)
    sigaddset(&suspend, SIGTSTP)
    raise(SIGTSTP)
    pthread_sigmask(SIG_UNBLOCK, &suspend, nil)  // stops here until SIGCONT
    pthread_sigmask(SIG_BLOCK, &suspend, nil)
    signal(SIGTSTP, suspendHandler)
    if terminalChanged != 0 { _ = tcsetattr(STDIN_FILENO, TCSANOW, &cbreakTerminal) }
}

enum TerminalMode {
    static func installSignalHandlers() {
        _ = tcgetattr(STDIN_FILENO, &savedTerminal)
        cbreakTerminal = savedTerminal
        terminalChanged = 0
        for signalNumber in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(signalNumber) { received in
                // Only async-signal-safe calls: put the terminal back, then die of the same signal.
                if terminalChanged != 0 { _ = tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal) }
                var newline: UInt8 = 10
                _ = write(STDOUT_FILENO, &newline, 1)
                signal(received, SIG_DFL)
                raise(received)
            }
        }
        signal(SIGTSTP, suspendHandler)
    }

    /// Single keys without Enter and without echo; Ctrl-C and Ctrl-\ still raise signals.
    static func enterCBreak() {
        guard tcgetattr(STDIN_FILENO, &savedTerminal) == 0 else { return }
        cbreakTerminal = savedTerminal
        cbreakTerminal.c_lflag &= ~tcflag_t(ICANON | ECHO)
        cbreakTerminal.c_lflag |= tcflag_t(ISIG)
        withUnsafeMutableBytes(of: &cbreakTerminal.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        terminalChanged = 1
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &cbreakTerminal)
    }

    static func restore() {
        guard terminalChanged != 0 else { return }
        _ = tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal)
        terminalChanged = 0
    }
}

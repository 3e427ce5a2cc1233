import ArgumentParser
import Configuration
import Foundation
import Store

/// `tact pause [MAILBOX]` and `tact resume [MAILBOX]`: the kill switch.
struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Stop answering automatically: a paused mailbox is still read and queued, never answered by itself.",
        discussion: """
            Without a mailbox name, every mailbox is paused. The pause holds across restarts until `tact resume`. \
            While paused, mode `auto` queues instead of sending, and the outbox holds approved replies of that \
            mailbox (they go out after `tact resume`, re-checked for staleness then).
            """)
    @OptionGroup var location: Queue.Location
    @OptionGroup var actor: Queue.Actor
    @Argument(help: "The mailbox's name (default: all mailboxes).") var mailbox: String?
    @Option(help: "Why (shown by `tact status`).") var reason: String?

    func run() throws {
        try checkMailboxName(self.mailbox, self.location)
        let store = try self.location.open()
        try store.pause(mailbox: self.mailbox, actor: self.actor.resolved, reason: self.reason)
        print("\(self.mailbox.map { "mailbox \($0)" } ?? "every mailbox") paused by \(self.actor.resolved): "
            + "mail is still read and queued, nothing is sent by itself until `tact resume\(self.mailbox.map { " \($0)" } ?? "")`")
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Lift a pause set by `tact pause` (the same mailbox name, or none for the global pause).")
    @OptionGroup var location: Queue.Location
    @OptionGroup var actor: Queue.Actor
    @Argument(help: "The mailbox's name (default: the pause of all mailboxes).") var mailbox: String?

    func run() throws {
        try checkMailboxName(self.mailbox, self.location)
        let store = try self.location.open()
        let lifted = try store.resume(mailbox: self.mailbox, actor: self.actor.resolved)
        let what = self.mailbox.map { "mailbox \($0)" } ?? "the pause of every mailbox"
        if lifted {
            print("\(what) resumed by \(self.actor.resolved)")
            Queue.wakeOutbox(store)
        } else {
            print("\(what) was not paused")
        }
        let remaining = try store.pauses()
        for pause in remaining {
            print("still paused: \(pause.mailbox.map { "mailbox \($0)" } ?? "every mailbox") (by \(pause.actor))")
        }
    }
}

/// A named mailbox must be one the configuration knows (when the configuration can be read), so a
/// typo does not pause nothing.
private func checkMailboxName(_ name: String?, _ location: Queue.Location) throws {
    guard let name else { return }
    guard let configuration = try? loadConfiguration(location.configFile) else { return }
    guard configuration.mailbox(named: name) != nil else {
        throw CLIError(
            "there is no mailbox \"\(name)\" in \(configuration.source): use one of "
                + configuration.mailboxes.map(\.name).joined(separator: ", ") + ", or no name for all")
    }
}

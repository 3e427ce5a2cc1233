import ArgumentParser
import Foundation

/// The `tact` executable: argument parsing and terminal/JSON output only; the work is done in the
/// modules. Each subcommand lives in its own file under `Commands/`.
@main
struct Tact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tact",
        abstract: "A self-hosted mail assistant for customer support.",
        discussion: """
            Tact watches IMAP mailboxes, recognises machine mail that must never be answered, \
            classifies customer mail, drafts a personal acknowledgement, checks it against courtesy \
            rules and queues it for review.
            """,
        version: TactVersion.current,
        subcommands: [
            // Subcommands are registered here, one line each.
            Backup.self,
            Classify.self,
            ConfigCommand.self,
            DraftCommand.self,
            Explain.self,
            Forget.self,
            Lint.self,
            MailboxCommand.self,
            Queue.self,
            PauseCommand.self,
            ResumeCommand.self,
            Review.self,
            Run.self,
            Status.self,
            Templates.self,
            Train.self,
        ]
    )
}

extension Tact {
    /// Runs the command; a `CLIError` (a problem the user can fix: a bad file, a missing folder) is
    /// printed as `tact: <message>` with exit status 2, as the commands' help promises.
    static func main() async {
        // A wake-up for the outbox (SIGUSR1, from `tact queue approve`) or a reload (SIGHUP) that
        // arrives before `tact run` has set up its handlers must not end the process.
        signal(SIGUSR1, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("tact: \(error.description)\n".utf8))
            Foundation.exit(2)
        } catch {
            exit(withError: error)
        }
    }
}

enum TactVersion {
    static let current = "0.1.0"
}

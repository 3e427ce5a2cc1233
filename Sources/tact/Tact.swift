import ArgumentParser

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
            ConfigCommand.self,
        ]
    )
}

enum TactVersion {
    static let current = "0.1.0"
}

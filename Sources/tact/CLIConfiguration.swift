import Configuration
import Foundation

/// The configuration a command runs with: `--config`, else `$TACT_CONFIG`, `/etc/tact/tact.toml`,
/// `./config/tact.toml`. Any problem becomes a `CLIError` (exit 2) naming the file, key and fix.
func loadConfiguration(_ explicitPath: String?) throws -> TactConfiguration {
    do {
        return try TactConfiguration.load(explicitPath: explicitPath, environment: ProcessInfo.processInfo.environment)
            .configuration
    } catch {
        throw CLIError("\(error)")
    }
}

/// The user's editor: `$VISUAL`, else `$EDITOR`; `command` names what the hint shows.
func editorCommand(for command: String) throws -> String {
    let environment = ProcessInfo.processInfo.environment
    guard let editor = environment["VISUAL"] ?? environment["EDITOR"], !editor.isEmpty else {
        throw CLIError("set $EDITOR (or $VISUAL) to your editor, e.g. EDITOR=nano \(command)")
    }
    return editor
}

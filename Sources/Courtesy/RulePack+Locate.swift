import Foundation

extension RulePack {
    /// Where the default rule pack is looked for, in order, when no file is named.
    public static let searchPaths = ["config/courtesy.toml", "/etc/tact/courtesy.toml"]

    /// Loads the rule pack a command should use: `explicitFile` if given; else the first of
    /// `searchPaths` that exists (the first relative to `currentDirectory`); else the embedded
    /// copy of the default pack.
    /// - Returns: the pack and where it came from (a path, or `<default pack>`).
    /// - Throws: `RulePackError` if the chosen file cannot be read or is not a valid pack.
    public static func locate(
        explicitFile: String?, currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(RulePackError) -> (pack: RulePack, source: String) {
        if let explicitFile {
            return (try RulePack(contentsOfFile: explicitFile), explicitFile)
        }
        for path in Self.searchPaths {
            let full =
                path.hasPrefix("/")
                ? path : URL(fileURLWithPath: currentDirectory).appendingPathComponent(path).path
            if FileManager.default.fileExists(atPath: full) {
                return (try RulePack(contentsOfFile: full), full)
            }
        }
        return (try Self.standard(), "<default pack>")
    }
}

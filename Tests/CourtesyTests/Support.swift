import Courtesy
import Foundation

/// Paths and shared values for the Courtesy tests. The test target declares no resources, so
/// fixtures are found relative to this file.
enum Fixture {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let defaultPackPath = packageRoot.appendingPathComponent("config/courtesy.toml").path
    static let corpusDirectory = testsDirectory.appendingPathComponent("Corpus")

    /// The default pack read from config/courtesy.toml (the file users edit and ship).
    static func defaultPack() throws(RulePackError) -> RulePack { try RulePack(contentsOfFile: defaultPackPath) }

    static let linter: Linter = {
        // A broken default pack fails `defaultPackLoads` with its message; here it must not crash.
        Linter(pack: (try? RulePack(contentsOfFile: defaultPackPath)) ?? (try! RulePack(text: "", file: "<empty>")))
    }()
}

extension Array where Element == Finding {
    func rules() -> [String] { self.map(\.rule) }
}

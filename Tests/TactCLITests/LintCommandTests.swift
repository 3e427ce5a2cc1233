import Foundation
import TactTestSupport
import Testing

@Suite struct LintCommandTests {
    static let rude = "Hi there,\n\nAs I already explained, no problem.\n\nBest,\nPriya\n"
    static let clean = "Hi Jane,\n\nThank you for the photos. A replacement ships today by courier.\n\nBest,\nPriya\n"

    private func write(_ text: String, name: String = "draft.txt") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tact-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func readableOutputShowsPositionSeverityRuleMessageUnderlineAndSuggestion() throws {
        let result = try TactBinary.run(["lint", "-"], input: Data(Self.rude.utf8))
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("3:1 error arguing ") })
        #expect(lines[header].contains("never argue with a customer"))
        #expect(lines[header + 1] == "    As I already explained, no problem.")
        #expect(lines[header + 2] == "    " + String(repeating: "^", count: "As I already explained".count))
        let noProblem = try #require(lines.firstIndex { $0.hasPrefix("3:25 warning no-problem ") })
        #expect(lines[noProblem + 2] == "    " + String(repeating: " ", count: 24) + "^^^^^^^^^^")
        #expect(lines[noProblem + 3] == "    suggestion: my pleasure")
    }

    @Test func jsonOutputHasExactlyTheSevenKeys() throws {
        let file = try self.write("Hi Jane,\n\nThank you. Your order has NOT shipped!!\n\nBest,\nPriya\n")
        let result = try TactBinary.run(["lint", file.path, "--json", "--first-name", "Jane"])
        #expect(result.status == 0)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        for object in array {
            #expect(Set(object.keys) == ["rule", "severity", "line", "column", "match", "message", "suggestion"])
        }
        let shouting = try #require(array.first { ($0["match"] as? String) == "NOT" })
        #expect(shouting["rule"] as? String == "shouting")
        #expect(shouting["line"] as? Int == 3)
        #expect(shouting["column"] as? Int == 27)
        #expect(shouting["severity"] as? String == "warning")
    }

    @Test func jsonOfACleanDraftIsAnEmptyArrayAndExitsZero() throws {
        let result = try TactBinary.run(["lint", "--json", "--first-name", "Jane"], input: Data(Self.clean.utf8))
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func failOnWarningTurnsWarningsIntoExitOne() throws {
        let draft = Data("Hi Jane,\n\nThanks! No worries at all.\n\nBest,\nPriya\n".utf8)
        #expect(try TactBinary.run(["lint"], input: draft).status == 0)
        #expect(try TactBinary.run(["lint", "--fail-on", "warning"], input: draft).status == 1)
        #expect(try TactBinary.run(["lint", "--fail-on=suggestion"], input: draft).status == 1)
    }

    @Test func suggestionSeverityFailsOnlyAtSuggestionLevel() throws {
        let draft = Data("Hi Jane,\n\nThank you for your business.\n\nBest,\nPriya\n".utf8)
        #expect(try TactBinary.run(["lint", "--fail-on", "warning"], input: draft).status == 0)
        #expect(try TactBinary.run(["lint", "--fail-on", "suggestion"], input: draft).status == 1)
    }

    @Test func contextFlagsSwitchOnContextRules() throws {
        let draft = Data("Hello,\n\nThanks for writing. A replacement ships today.\n\nBest,\nPriya\n".utf8)
        let bare = try TactBinary.run(["lint", "--json"], input: draft)
        #expect(!bare.stdout.contains("use-first-name") && !bare.stdout.contains("empathy-missing"))
        let informed = try TactBinary.run(
            ["lint", "--json", "--first-name", "Jane", "--category", "complaint", "--asked-how-are-you"], input: draft)
        #expect(informed.stdout.contains("\"use-first-name\""))
        #expect(informed.stdout.contains("\"empathy-missing\""))
        #expect(informed.stdout.contains("\"reciprocate-greeting\""))
        let negative = try TactBinary.run(["lint", "--json", "--sentiment", "negative"], input: draft)
        #expect(negative.stdout.contains("\"empathy-missing\""))
    }

    @Test(arguments: [
        ["lint", "--bogus"], ["lint", "--fail-on", "fatal"], ["lint", "--category"], ["lint", "a.txt", "b.txt"],
        ["lint", "--first-name", ""],
    ])
    func usageErrorsExitTwoWithAMessage(arguments: [String]) throws {
        let result = try TactBinary.run(arguments, input: Data(Self.clean.utf8))
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("tact lint: "))
    }

    @Test func missingDraftFileExitsTwoNamingTheFile() throws {
        let result = try TactBinary.run(["lint", "/nonexistent/draft.txt"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/draft.txt"))
    }

    @Test func brokenRulePackExitsTwoNamingFileLineAndFix() throws {
        let rules = try self.write("[[rule]]\nid = \"x\"\nkind = \"sparkle\"\n", name: "rules.toml")
        let result = try TactBinary.run(["lint", "--rules", rules.path], input: Data(Self.clean.utf8))
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(rules.path):3"))
        #expect(result.stderr.contains("unknown rule kind `sparkle`"))
        #expect(result.stderr.contains("Fix:"))
    }

    @Test func explicitRulePackReplacesTheDefault() throws {
        let rules = try self.write(
            """
            [[rule]]
            id = "no-cheese"
            kind = "existence"
            severity = "error"
            message = "No cheese talk."
            principle = "house rule"
            phrases = ["cheese"]
            """, name: "rules.toml")
        let result = try TactBinary.run(["lint", "--rules", rules.path, "--json"], input: Data("I like cheese!!".utf8))
        #expect(result.status == 1)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 1)
        #expect(array.first?["rule"] as? String == "no-cheese")
        #expect(array.first?["match"] as? String == "cheese")
        // A rule without a suggestion gives an explicit null, so the seven keys are always there.
        #expect(array.first?["suggestion"] is NSNull)
    }

    @Test func worksFromAnyDirectoryWithTheBuiltInPack() throws {
        let directory = FileManager.default.temporaryDirectory
        let result = try Command.run(
            TactBinary.path, ["lint", "--json"], input: Data(Self.rude.utf8), currentDirectory: directory)
        #expect(result.status == 1)
        #expect(result.stdout.contains("\"arguing\""))
    }

    @Test func readsConfigCourtesyTomlFromTheCurrentDirectory() throws {
        let file = try self.write("", name: "placeholder")
        let root = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("config"), withIntermediateDirectories: true)
        try Data(
            """
            [[rule]]
            id = "local-only"
            kind = "existence"
            severity = "warning"
            message = "Found by the local pack."
            principle = "local"
            phrases = ["parcel"]
            """.utf8
        ).write(to: root.appendingPathComponent("config/courtesy.toml"))
        let result = try Command.run(
            TactBinary.path, ["lint", "--json"], input: Data("Your parcel left today.".utf8), currentDirectory: root)
        #expect(result.stdout.contains("\"local-only\""))
    }
}

@Suite struct LintDeploymentLayerTests {
    @Test func rulesFileThatExtendsTheDefaultSwitchesOneRuleOffAndKeepsTheRest() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tact-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let rules = directory.appendingPathComponent("local.toml")
        try Data("extends = \"default\"\n\n[override.no-problem]\nenabled = false\n".utf8).write(to: rules)
        let draft = Data("Hi Jane,\n\nThanks, no problem. As I already explained, it shipped.\n\nBest,\nPriya\n".utf8)
        let result = try TactBinary.run(["lint", "--rules", rules.path, "--json"], input: draft)
        #expect(result.status == 1)
        #expect(result.stdout.contains("\"arguing\""))
        #expect(!result.stdout.contains("\"no-problem\""))
    }
}

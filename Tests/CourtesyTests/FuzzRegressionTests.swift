import Foundation
import Testing

@testable import Courtesy

/// Inputs the fuzzer (scripts/fuzz rules) found crashing the rule-pack loader, kept as regressions.
@Suite struct RulePackFuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    @Test func everyRecordedCrashIsNowATypedError() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasPrefix("crash-") }
        #expect(!files.isEmpty)
        for file in files {
            let text = String(decoding: try Data(contentsOf: Self.folder.appendingPathComponent(file)), as: UTF8.self)
            #expect(throws: RulePackError.self, "\(file)") { try RulePack(text: text, file: file) }
            #expect(throws: RulePackError.self, "\(file)") { try RulePack.standard().layered(withText: text, file: file) }
        }
    }

    /// A broken table header, and an array closed by a brace: each names its line and what is wrong.
    @Test(arguments: [
        ("extends = \"default\"\n\n[ö]\nenabled = false\n", 3, "table header"),
        ("extends = \"default\"\n\n[[rule]]\nid = \"x\"\npatterns = [\n}\n", 6, "an array holds '}'"),
    ])
    func aSyntaxErrorTOMLPlusPlusWouldAbortOnNamesItsLine(text: String, line: Int, phrase: String) {
        do {
            _ = try RulePack.standard().layered(withText: text, file: "local.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == line)
            #expect(error.description.contains(phrase), "\(error)")
        }
    }

    @Test func theShippedPackHasNoFalseAlarm() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/courtesy.toml")
        let text = try String(contentsOf: shipped, encoding: .utf8)
        #expect(TOMLPreflight.problem(in: text) == nil)
    }
}

import Courtesy
import Foundation
import Testing

/// Realistic support drafts in `Corpus/`, each `NNN-name.txt` with `NNN-name.expected` beside
/// it: a `context:` line (what the incoming mail told us), then one line per expected finding,
/// `line:column rule-id matched text` (a line break in the match written as \n). A clean draft
/// expects no finding of any rule: a false positive fails the test like a miss does.
@Suite struct CorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let draft: String
        let context: LintContext
        let expected: [String]
        var testDescription: String { self.name }
    }

    static let cases: [Case] = {
        let directory = Fixture.corpusDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".txt") }.sorted().map { file in
            let name = String(file.dropLast(4))
            let draft = (try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)) ?? ""
            let expectation = (try? String(
                contentsOf: directory.appendingPathComponent(name + ".expected"), encoding: .utf8)) ?? ""
            var context = LintContext()
            var expected: [String] = []
            for line in expectation.split(separator: "\n") {
                if line.hasPrefix("context:") {
                    for setting in line.dropFirst("context:".count).split(separator: " ") {
                        let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
                        switch parts[0] {
                        case "first-name": context.firstName = parts[1]
                        case "category": context.category = parts[1]
                        case "sentiment": context.sentiment = parts[1]
                        case "asked-how-are-you": context.askedHowAreYou = true
                        default: break
                        }
                    }
                } else {
                    expected.append(String(line))
                }
            }
            return Case(name: name, draft: draft, context: context, expected: expected.sorted())
        }
    }()

    @Test func corpusHasAtLeastSixtyDraftsBothCleanAndNot() {
        #expect(Self.cases.count >= 60)
        #expect(Self.cases.filter { $0.expected.isEmpty }.count >= 25)
        #expect(Self.cases.filter { !$0.expected.isEmpty }.count >= 25)
    }

    @Test func everyRuleIsExercisedByTheCorpus() {
        let found = Set(Self.cases.flatMap { $0.expected.map { $0.split(separator: " ")[1] } }.map(String.init))
        #expect(found == Set(DefaultPackTests.specifiedIDs))
    }

    @Test(arguments: Self.cases)
    func draftHasExactlyTheExpectedFindings(_ draft: Case) {
        let findings = Fixture.linter.lint(draft.draft, context: draft.context)
        let actual = findings.map {
            "\($0.line):\($0.column) \($0.rule) \($0.match.replacingOccurrences(of: "\n", with: "\\n"))"
        }.sorted()
        #expect(actual == draft.expected, "\(draft.name)")
    }
}

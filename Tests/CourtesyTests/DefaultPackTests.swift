import Courtesy
import Foundation
import Testing

@Suite struct DefaultPackTests {
    /// The ids of COURTESY-RULES.md, which are public names and never change.
    static let specifiedIDs = [
        "unfilled-placeholder", "arguing", "blame", "no-problem", "busy-excuse", "comparison", "handoff",
        "condescending", "shouting", "generic-greeting", "use-first-name", "thank-customer",
        "transactional-thanks", "empathy-missing", "reciprocate-greeting", "vague-promise",
        "refusal-without-alternative", "impersonal-signoff",
    ]
    static let specifiedSeverities: [String: Severity] = [
        "unfilled-placeholder": .error, "arguing": .error, "blame": .error, "transactional-thanks": .suggestion,
        "impersonal-signoff": .suggestion,
    ]

    @Test func defaultPackLoads() throws {
        let pack = try Fixture.defaultPack()
        #expect(pack.rules.count == Self.specifiedIDs.count)
    }

    @Test func defaultPackHasExactlyTheSpecifiedRuleIDsAndSeverities() throws {
        let pack = try Fixture.defaultPack()
        #expect(pack.rules.map(\.id).sorted() == Self.specifiedIDs.sorted())
        for rule in pack.rules {
            #expect(rule.severity == Self.specifiedSeverities[rule.id] ?? .warning, "\(rule.id)")
        }
    }

    @Test func embeddedCopyEqualsConfigFileByteForByte() throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: Fixture.defaultPackPath))
        #expect(Data(RulePack.defaultText.utf8) == file, "paste config/courtesy.toml into DefaultRulePack.swift")
        #expect(try RulePack.standard().rules.map(\.id) == Fixture.defaultPack().rules.map(\.id))
    }

    @Test func everyRuleHasExamplesBothWaysAndNamesItsSeedOrPrinciple() throws {
        for rule in try Fixture.defaultPack().rules {
            #expect(!rule.mustFire.isEmpty, "\(rule.id) has no must_fire examples")
            #expect(!rule.mustNotFire.isEmpty, "\(rule.id) has no must_not_fire examples")
            #expect(!rule.principle.isEmpty)
        }
    }

    @Test(arguments: try! RulePack(contentsOfFile: Fixture.defaultPackPath).rules.map(\.id))
    func ruleFiresOnEachOfItsMustFireExamples(id: String) throws {
        let rule = try #require(Fixture.linter.pack.rule(id))
        for example in rule.mustFire {
            let findings = Fixture.linter.lint(example, context: rule.exampleContext)
            #expect(findings.contains { $0.rule == id }, "\(id) should fire on: \(example)")
        }
    }

    @Test(arguments: try! RulePack(contentsOfFile: Fixture.defaultPackPath).rules.map(\.id))
    func ruleStaysSilentOnEachOfItsMustNotFireExamples(id: String) throws {
        let rule = try #require(Fixture.linter.pack.rule(id))
        for example in rule.mustNotFire {
            let findings = Fixture.linter.lint(example, context: rule.exampleContext)
            #expect(!findings.contains { $0.rule == id }, "\(id) fired on: \(example) → \(findings)")
        }
    }

    @Test func contextRulesStaySilentWithoutContext() throws {
        for id in ["use-first-name", "empathy-missing", "reciprocate-greeting"] {
            let rule = try #require(Fixture.linter.pack.rule(id))
            for example in rule.mustFire {
                #expect(!Fixture.linter.lint(example).contains { $0.rule == id }, "\(id) guessed on: \(example)")
            }
        }
    }
}

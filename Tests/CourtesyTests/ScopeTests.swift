import Testing
import TactTestSupport

@testable import Courtesy

@Suite struct ScopeTests {
    let linter = Fixture.linter

    @Test func quotedLinesAreNeverLinted() {
        let draft =
            "Hi Jane,\n\nThank you for the photos.\n\n> You are wrong and this is your fault!!\n> TODO\n\nBest,\nPriya"
        #expect(self.linter.lint(draft).isEmpty)
    }

    @Test func everythingBelowOnWroteIsQuotedEvenWithoutMarkers() {
        let draft = """
            Hi Jane,

            Thank you for the photos; the replacement ships today.

            Best,
            Priya

            On Mon, 3 Jun 2024 at 09:12, Jane Doe <jane@example.com> wrote:
            No problem, obviously you guys are swamped. SEND IT NOW!!
            """
        #expect(self.linter.lint(draft).isEmpty)
    }

    @Test func textAboveTheQuoteIsStillLintedAtItsOwnLine() {
        let draft = "Hi Jane,\n\nThanks! No worries.\n\nOn Tue, Jane wrote:\nNo worries"
        let findings = self.linter.lint(draft)
        #expect(findings.map { "\($0.rule)@\($0.line):\($0.column)" } == ["no-problem@3:9"])
    }

    @Test func genericGreetingIsOnlyAGreetingOnTheFirstLine() {
        let body =
            "Hi Sam,\n\nThanks for asking. The letter starts with \"Dear customer\" in our template.\n\nBest,\nPriya"
        #expect(!self.linter.lint(body).rules().contains("generic-greeting"))
        let greeting = "Dear customer,\n\nThanks for asking.\n\nBest,\nPriya"
        #expect(self.linter.lint(greeting).first { $0.rule == "generic-greeting" }?.line == 1)
    }

    @Test func signatureBelowTheDashDashIsLintedOnlyForPlaceholders() {
        let draft = "Hi Jane,\n\nThanks for writing.\n\nBest,\nPriya\n-- \nACME SUPPORT TEAM!!\nPhone: [PHONE]"
        let findings = self.linter.lint(draft)
        #expect(findings.rules() == ["unfilled-placeholder"])
        #expect(findings.first?.line == 9)
        #expect(findings.first?.column == 8)
    }

    @Test func signOffNameLineIsJudgedButBodyMentionOfTheTeamIsNot() {
        let draft = "Hi Jane,\n\nThanks! Our support team has fixed it.\n\nBest regards,\nThe Support Team"
        let findings = self.linter.lint(draft)
        #expect(findings.map { "\($0.rule)@\($0.line):\($0.column)" } == ["impersonal-signoff@6:1"])
        #expect(findings.first?.match == "The Support Team")
    }

    @Test func aOneLineClosingWithANameIsTheSignOff() {
        // "Best regards, The Support Team" on one line: the closing's words, a comma, the name.
        let oneLine = self.linter.lint("Hi Jane,\n\nThanks! Our support team has fixed it.\n\nBest regards, The Support Team")
        #expect(oneLine.map { "\($0.rule)@\($0.line):\($0.column)" } == ["impersonal-signoff@5:15"])
        // Without the comma it is prose, not a sign-off ("Best regards the team" is no closing).
        let prose = self.linter.lint("Hi Jane,\n\nThanks! Our support team has fixed it.\n\nBest regards The Support Team")
        #expect(!prose.rules().contains("impersonal-signoff"))
    }

    @Test func aWrappedOnWroteLineStartsTheQuoteToo() {
        let draft = "Hi Jane,\n\nThanks!\n\nOn Mon, 3 Jun 2024 at 09:12, Jane Doe <\njane@example.com> wrote:\nNo problem"
        #expect(self.linter.lint(draft).isEmpty)
    }

    @Test func aFirstLineOfJustTheNameIsAGreetingThatUsesIt() {
        let context = LintContext(firstName: "Jane")
        #expect(self.linter.lint("Jane,\n\nThanks for the photos.", context: context).isEmpty)
        #expect(self.linter.lint("Dear Jane Doe,\n\nThanks for the photos.", context: context).isEmpty)
        let other = self.linter.lint("Customer,\n\nThanks for the photos.", context: context)
        #expect(other.map { "\($0.rule)@\($0.line):\($0.column)" } == ["use-first-name@1:1"])
    }

    @Test func carriageReturnLineEndingsKeepColumns() {
        let findings = self.linter.lint("Hi Jane,\r\n\r\nThanks, no problem.\r\n")
        #expect(findings.map { "\($0.rule)@\($0.line):\($0.column)" } == ["no-problem@3:9"])
        #expect(findings.first?.match == "no problem")
    }
}

@Suite struct IgnoreDirectiveTests {
    let linter = Fixture.linter
    let draft = "Hi Jane,\n\ntact: ignore shouting\nThanks! The IMPORTANT part: no problem.\n\nBest,\nPriya\n"

    @Test func ignoreLineSilencesOnlyTheNamedRule() {
        #expect(self.linter.lint(self.draft).rules() == ["no-problem"])
        #expect(self.linter.lint(self.draft.replacingOccurrences(of: "tact: ignore shouting\n", with: ""))
            .rules().contains("shouting"))
    }

    @Test func ignoreLineCanNameSeveralRulesAndCountsAsALine() {
        let findings = self.linter.lint("tact: ignore no-problem, shouting\nHi Jane,\nThanks, NO problem!!")
        #expect(findings.isEmpty)
        let other = self.linter.lint("tact: ignore shouting\nHi Jane,\nThanks, no problem")
        #expect(other.map { "\($0.rule)@\($0.line):\($0.column)" } == ["no-problem@3:9"])
    }

    @Test func ignoreInsideQuotedTextDoesNotSilenceOurDraft() {
        let findings = self.linter.lint("Hi Jane,\nThanks, no problem.\n> tact: ignore no-problem")
        #expect(findings.rules() == ["no-problem"])
    }

    @Test func stripRemovesIgnoreLinesAndKeepsEverythingElseExactly() {
        let stripped = "Hi Jane,\n\nThanks! The IMPORTANT part: no problem.\n\nBest,\nPriya\n"
        #expect(IgnoreDirective.strip(self.draft) == stripped)
        #expect(IgnoreDirective.strip("Hi\r\nTACT: IGNORE shouting\r\nBye\r\n") == "Hi\r\nBye\r\n")
        let untouched = "Hi Jane,\n\nThe contact: ignore this.\n> quoted\n"
        #expect(IgnoreDirective.strip(untouched) == untouched)
    }

    @Test func directiveParsing() {
        #expect(IgnoreDirective.ruleIDs(in: "  tact: ignore a-b c") == ["a-b", "c"])
        #expect(IgnoreDirective.ruleIDs(in: "tact:ignore x") == ["x"])
        #expect(IgnoreDirective.ruleIDs(in: "tact: ignored x") == nil)
        #expect(IgnoreDirective.ruleIDs(in: "Please ignore it") == nil)
    }
}

/// The layout finds a closing line in sets; it must be what comparing the line with every
/// closing finds ("best regards" as the line, or "best regards," at its start).
@Suite struct ClosingLookupTests {
    @Test func isWhatComparingWithEveryClosingFinds() throws {
        let pack = try Fixture.defaultPack()
        var closings = pack.closings
        // A closing with a comma inside, and non-ASCII ones, as a pack may add.
        closings += ["thanks, and best", "mit freundlichen grüßen", "cordialement"]
        let words = LayoutWords(greetings: pack.greetings, closings: closings)
        #expect(closings.count > 10)
        var pieces = closings + [",", ", ", " ", "priya", "shah", "best", "regards", "é", "e\u{301}", "!", "-", "thanks"]
        pieces += closings.map { $0 + "," }
        var random = SplitMix64(seed: 0xC105E)
        var found = 0
        for _ in 0..<20_000 {
            let line = random.concatenation(of: pieces, count: 1...4)
            let expected = zip(words.closings, words.closingsWithComma).contains { line == $0 || line.hasPrefix($1) }
            if expected { found += 1 }
            #expect(words.isClosing(line) == expected, "\(line.debugDescription)")
        }
        #expect(found > 3_000)
    }
}

import Courtesy
import Testing

@Suite struct MatchingTests {
    let linter = Fixture.linter

    private func where_(_ draft: String, _ context: LintContext = LintContext()) -> [String] {
        self.linter.lint(draft, context: context).map { "\($0.rule)@\($0.line):\($0.column) \($0.match)" }
    }

    @Test func typographicApostrophesMatchLikeStraightOnes() {
        #expect(self.where_("Thanks. That’s not true.") == ["arguing@1:9 That’s not true"])
        #expect(self.where_("Thanks. That's not true.") == ["arguing@1:9 That's not true"])
    }

    @Test func matchingIsCaseInsensitiveAndOnWordBoundaries() {
        #expect(self.where_("Thanks. OBVIOUSLY it works.").contains("condescending@1:9 OBVIOUSLY"))
        // "soonest", "problematic", "simplystic" are other words.
        let lookalikes = "Thanks. The soonest slot is not problematic, and our Simplyfi app works."
        #expect(self.where_(lookalikes).isEmpty)
    }

    @Test func phrasesSpanALineBreakButNotASentenceEnd() {
        #expect(self.where_("Thanks for waiting. As I\nalready explained, it shipped.") == [
            "arguing@1:21 As I\nalready explained"
        ])
        #expect(self.where_("Thanks. It worked as I said. Already explained is the fix.").isEmpty)
    }

    @Test func patternMatchesAfterATypographicApostropheKeepTheirColumn() {
        #expect(self.where_("Thanks. It’s due on [DATE], and it’s paid.") == ["unfilled-placeholder@1:21 [DATE]"])
        #expect(self.where_("Thanks, it’s fine. You’ll of course need a login.") == ["condescending@1:27 of course"])
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(self.where_("Thanks — café déjà vu, no worries.") == ["no-problem@1:24 no worries"])
        #expect(self.where_("Thanks 🎉 no problem") == ["no-problem@1:10 no problem"])
    }

    @Test func iJustCheckedIsNotCondescendingButJustClickIs() {
        #expect(self.where_("Thanks. I just checked and it shipped.").isEmpty)
        #expect(self.where_("Thanks. I'll just check with the warehouse.").isEmpty)
        #expect(self.where_("Thanks. Just click Save.") == ["condescending@1:9 Just click"])
        #expect(self.where_("Thanks. If you just restart it, it works.") == ["condescending@1:16 just restart"])
    }

    @Test func iCantWaitIsNotARefusal() {
        #expect(self.where_("Thanks! I can't wait to hear how it goes.").isEmpty)
        #expect(self.where_("Thanks. We can’t refund this.") == ["refusal-without-alternative@1:9 We can’t"])
    }

    @Test func acronymsAreNotShoutingButCapitalWordsAre() {
        #expect(self.where_("Thanks. The API, VAT and CSV export and order ORD-77 are fine.").isEmpty)
        #expect(self.where_("Thanks. This is VERY important.") == ["shouting@1:17 VERY"])
        #expect(self.linter.lint("Thanks. This is VERY important.").first?.suggestion == "very")
    }

    @Test func ofCourseAnsweringARequestIsGraciousButOfCourseInAnExplanationIsNot() {
        #expect(self.where_("Thanks! Of course, I'd be glad to help.").isEmpty)
        #expect(self.where_("Thanks. Of course! Here it is.").isEmpty)
        #expect(self.where_("Thanks. You of course need an account.") == ["condescending@1:13 of course"])
    }

    @Test func substitutionSuggestionKeepsTheCapitalOfTheMatch() {
        let findings = self.linter.lint("No problem, and thanks. Really, no worries.")
        #expect(findings.map(\.suggestion) == ["My pleasure", "you're welcome"])
    }

    @Test func longerPhraseWinsOverTheShorterOneInside() {
        #expect(self.where_("Thanks. We are very busy.") == ["busy-excuse@1:9 We are very busy"])
    }

    @Test func contextRulesUseTheContextAndStaySilentWithout() {
        let draft = "Hello,\n\nThanks for writing. It ships today.\n\nBest,\nPriya"
        #expect(self.where_(draft).isEmpty)
        #expect(self.where_(draft, LintContext(firstName: "Jane")) == ["use-first-name@1:1 Hello,"])
        #expect(
            self.where_(draft, LintContext(category: "complaint"))
                == ["empathy-missing@3:1 Thanks for writing. It ships today."])
        #expect(self.where_(draft, LintContext(category: "billing", sentiment: "positive")).isEmpty)
        #expect(self.where_(draft, LintContext(askedHowAreYou: false)).isEmpty)
        #expect(self.where_(draft, LintContext(askedHowAreYou: true)).map { $0.prefix(20) } == ["reciprocate-greeting"])
        let suggestion = self.linter.lint(draft, context: LintContext(firstName: "Jane")).first?.suggestion
        #expect(suggestion == "Hi Jane,")
    }

    @Test func emptyAndOddDraftsDoNotCrash() {
        let context = LintContext(category: "complaint", firstName: "Jane", askedHowAreYou: true)
        let odd = ["", "\n", "\n\n\n", ">", "--", "tact: ignore", "’’’", "!!", "\u{301}", "\r", "a\u{0}b"]
        for draft in odd + [String(repeating: "a", count: 10_000), String(repeating: "No problem!! ", count: 2_000)] {
            _ = self.linter.lint(draft, context: context)
        }
        #expect(self.linter.lint("").rules() == ["thank-customer"])
        #expect(self.linter.lint("").first.map { ($0.line, $0.column) }! == (1, 1))
    }
}

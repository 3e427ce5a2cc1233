import Courtesy
import Testing

@Suite struct LintContextTests {
    @Test(arguments: [
        ("Jane Doe", "Jane"), ("Doe, Jane", "Jane"), ("Dr. Jane Doe", "Jane"), ("\"Marco Rossi\"", "Marco"),
        ("  Aisha  ", "Aisha"), ("Mrs Ruth Evans", "Ruth"),
    ])
    func firstNameComesFromTheDisplayName(displayName: String, expected: String) {
        #expect(LintContext.firstName(fromDisplayName: displayName) == expected)
    }

    @Test(arguments: ["", "jane@example.com", "J.", "ACME BILLING", "   "])
    func noFirstNameWhenTheDisplayNameIsNotAPerson(displayName: String) {
        #expect(LintContext.firstName(fromDisplayName: displayName) == nil)
    }

    @Test func howAreYouIsRecognisedInTheCustomersWords() {
        #expect(LintContext.asksHowWeAre("Hi Priya, how are you? My order hasn't arrived."))
        #expect(LintContext.asksHowWeAre("Hope you’re well! Quick question about VAT."))
        #expect(!LintContext.asksHowWeAre("How do I reset my password? You are great."))
        #expect(!LintContext.asksHowWeAre(""))
    }
}

@Suite struct ExampleCheckTests {
    @Test func defaultPackHasNoExampleFailures() {
        #expect(Fixture.linter.exampleFailures() == [])
    }

    @Test func aRuleWhoseExamplesAreWrongIsReportedWithItsFileAndLine() throws {
        let pack = try RulePack(
            text: """
                [[rule]]
                id = "cheese"
                kind = "existence"
                severity = "warning"
                message = "m"
                principle = "p"
                phrases = ["cheese"]
                must_fire = ["I like ham."]
                must_not_fire = ["Cheese please."]
                """, file: "house.toml")
        let failures = Linter(pack: pack).exampleFailures()
        #expect(failures == [
            "house.toml:1: rule `cheese` does not fire on: I like ham.",
            "house.toml:1: rule `cheese` fires on: Cheese please.",
        ])
    }
}

import Courtesy
import Testing

@Suite struct RulePackErrorTests {
    static let valid = """
        [[rule]]
        id = "first"
        kind = "existence"
        severity = "warning"
        message = "m"
        principle = "p"
        phrases = ["cheese"]

        """

    private func error(_ text: String, file: String = "pack.toml") -> RulePackError? {
        do {
            _ = try RulePack(text: text, file: file)
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownRuleKindNamesFileLineAndTheKnownKinds() throws {
        let text = Self.valid.replacingOccurrences(of: "\"existence\"", with: "\"exitsence\"")
        let error = try #require(self.error(text))
        #expect(error.file == "pack.toml")
        #expect(error.line == 3)
        #expect(error.problem == "unknown rule kind `exitsence` in rule `first`")
        #expect(error.fix.contains("existence, substitution, required, context, capitals, repetition, placeholder"))
        #expect(error.description.hasPrefix("pack.toml:3: unknown rule kind"))
    }

    @Test func badPatternNamesTheRuleAndLine() throws {
        let text = Self.valid + "[[rule]]\nid = \"second\"\nkind = \"existence\"\nseverity = \"error\"\n"
            + "message = \"m\"\nprinciple = \"p\"\npatterns = ['(unclosed']\n"
        let error = try #require(self.error(text))
        #expect(error.line == 14)
        #expect(error.problem.contains("bad pattern `(unclosed` in rule `second`"))
        #expect(error.fix.contains("regular expression"))
    }

    @Test func duplicateIDPointsAtTheSecondAndNamesTheFirst() throws {
        let error = try #require(self.error(Self.valid + Self.valid))
        #expect(error.line == 9)
        #expect(error.problem == "duplicate rule id `first` (already defined at line 1)")
        #expect(error.fix.contains("[override.first]"))
    }

    @Test func badSeverityListsTheThreeSeverities() throws {
        let error = try #require(self.error(Self.valid.replacingOccurrences(of: "\"warning\"", with: "\"fatal\"")))
        #expect(error.line == 4)
        #expect(error.problem == "unknown severity `fatal`")
        #expect(error.fix == "use one of error, warning, suggestion")
    }

    @Test func tomlSyntaxErrorCarriesItsLine() throws {
        let error = try #require(self.error(Self.valid + "[[rule]]\nid = \"broken\nkind = 3\n"))
        #expect(error.line == 9)
        #expect(error.problem.hasPrefix("TOML syntax error"))
    }

    @Test func misspelledKeyIsAnErrorNotSilentlyIgnored() throws {
        let error = try #require(self.error(Self.valid.replacingOccurrences(of: "phrases", with: "phrasse")))
        #expect(error.line == 7)
        #expect(error.problem.contains("unknown key `phrasse`"))
    }

    @Test func wrongValueTypeNamesTheKey() throws {
        let text = Self.valid.replacingOccurrences(of: "phrases = [\"cheese\"]", with: "phrases = 3")
        let error = try #require(self.error(text))
        #expect(error.line == 7)
        #expect(error.problem.contains("rule[0].phrases"))
    }

    @Test func ruleWithoutWhatItsKindNeedsIsRejected() throws {
        let error = try #require(self.error(Self.valid.replacingOccurrences(of: "phrases = [\"cheese\"]\n", with: "")))
        #expect(error.problem == "rule `first` of kind existence has no phrases or patterns")
        let scope = try #require(self.error(Self.valid + "scopes = [\"footer\"]\n"))
        #expect(scope.problem.contains("unknown scope `footer`"))
        let noWords = try #require(self.error(Self.valid.replacingOccurrences(of: "\"cheese\"", with: "\"!!\"")))
        #expect(noWords.problem.contains("phrase with no words"))
    }

    @Test func missingFileNamesThePath() throws {
        #expect(throws: RulePackError.self) { try RulePack(contentsOfFile: "/nonexistent/rules.toml") }
        do throws(RulePackError) {
            _ = try RulePack(contentsOfFile: "/nonexistent/rules.toml")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/rules.toml: cannot read"))
        }
    }
}

@Suite struct LayeringTests {
    private func layered(_ text: String) throws -> Linter {
        Linter(pack: try Fixture.defaultPack().layered(withText: text, file: "local.toml"))
    }

    @Test func deploymentCanSwitchARuleOff() throws {
        let linter = try self.layered("[override.no-problem]\nenabled = false\n")
        #expect(linter.lint("Thanks, no problem.").isEmpty)
        #expect(Fixture.linter.lint("Thanks, no problem.").rules() == ["no-problem"])
    }

    @Test func deploymentCanChangeSeverityAndMessage() throws {
        let linter = try self.layered("[override.shouting]\nseverity = \"error\"\nmessage = \"No capitals here.\"\n")
        let finding = try #require(linter.lint("Thanks, this is URGENT.").first)
        #expect(finding.severity == .error)
        #expect(finding.message.hasPrefix("No capitals here."))
    }

    @Test func deploymentCanAddPhrasesExceptionsReplacementsAndAcronyms() throws {
        let linter = try self.layered(
            """
            [override.busy-excuse]
            add_phrases = ["rushed off our feet"]
            [override.no-problem]
            add_replace = { "no dramas" = "my pleasure" }
            [override.shouting]
            add_acronyms = ["ACME"]
            [override.condescending]
            add_exceptions = ["simply the best"]
            """)
        #expect(linter.lint("Thanks. We are rushed off our feet.").rules() == ["busy-excuse"])
        #expect(linter.lint("Thanks, no dramas.").first?.suggestion == "my pleasure")
        #expect(linter.lint("Thanks from ACME.").isEmpty)
        #expect(linter.lint("Thanks, you are simply the best.").isEmpty)
        #expect(Fixture.linter.lint("Thanks from ACME.").rules() == ["shouting"])
    }

    @Test func deploymentCanAddAWholeRuleAndScopes() throws {
        let linter = try self.layered(
            """
            [scopes]
            greetings = ["howdy"]
            [[rule]]
            id = "no-competitors"
            kind = "existence"
            severity = "error"
            message = "Don't name competitors."
            principle = "house rule"
            phrases = ["megacorp"]
            """)
        #expect(linter.lint("Thanks. MegaCorp is slower.").rules() == ["no-competitors"])
        #expect(linter.lint("Howdy partner,\n\nThanks.", context: LintContext(firstName: "Jane")).rules()
            == ["use-first-name"])
    }

    @Test func overridingAnUnknownRuleOrRedefiningOneIsAnError() throws {
        #expect(throws: RulePackError.self) { try self.layered("[override.no-such-rule]\nenabled = false\n") }
        do throws(RulePackError) {
            _ = try Fixture.defaultPack().layered(
                withText: "\n[[rule]]\nid = \"arguing\"\nkind = \"existence\"\nseverity = \"error\"\n"
                + "message = \"m\"\nprinciple = \"p\"\nphrases = [\"x\"]\n", file: "local.toml")
            Issue.record("redefining a rule must fail")
        } catch {
            #expect(error.file == "local.toml")
            #expect(error.line == 3)
            #expect(error.problem.contains("duplicate rule id `arguing`"))
            #expect(error.problem.contains("config/courtesy.toml"))
        }
    }

    @Test func overrideInABasePackIsRejected() throws {
        #expect(throws: RulePackError.self) { try RulePack(text: "[override.x]\nenabled = false\n", file: "a.toml") }
    }
}

@Suite struct ExtendsDefaultTests {
    @Test func fileThatExtendsTheDefaultIsLayeredOverIt() throws {
        let pack = try RulePack(text: "extends = \"default\"\n[override.no-problem]\nenabled = false\n", file: "d.toml")
        let linter = Linter(pack: pack)
        #expect(linter.lint("Thanks, no problem.").isEmpty)
        #expect(linter.lint("Thanks. As I already explained, it shipped.").rules() == ["arguing"])
        #expect(pack.files == ["<default pack>", "d.toml"])
    }

    @Test func unknownBaseIsAnError() throws {
        #expect(throws: RulePackError.self) { try RulePack(text: "extends = \"strict\"\n", file: "d.toml") }
    }
}

import Foundation
import MailParsing
import TactTestSupport
import Testing

@testable import Drafting

/// The repository's `templates/` folder, found from this file.
let shippedTemplates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("templates").path

@Suite struct TemplateCheckingTests {
    func problem(_ text: String) -> TemplateError? {
        do {
            _ = try ReplyTemplate(name: "t", file: "t.mustache", text: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func aTypoInAVariableIsNamedWithItsLineAndTheLikelyFix() throws {
        let error = try #require(problem("Subject: {{reply_subject}}\n\nHi {{frist_name}},\nThanks.\n"))
        #expect(error.line == 3)
        #expect(error.message.contains("{{frist_name}}"))
        #expect(error.message.contains("did you mean {{first_name}}"))
    }

    @Test func partialsAreRefusedBecauseTheyReadFilesAndEscapeHTML() throws {
        let error = try #require(problem("Subject: x\n\nHello\n{{> /etc/passwd}}\n"))
        #expect(error.line == 4)
        #expect(error.message.contains("not allowed"))
        #expect(problem("Subject: x\n\n{{< layout}}{{/layout}}\n") != nil)
    }

    @Test func delimiterChangesAreRefused() {
        #expect(problem("Subject: x\n\n{{=<% %>=}}\n<% first_name %>\n")?.message.contains("delimiters") == true)
    }

    @Test func unbalancedSectionsAreNamed() throws {
        let unclosed = try #require(problem("Subject: x\n\n{{#has_order_number}}\nOrder {{order_number}}\n"))
        #expect(unclosed.line == 3)
        #expect(unclosed.message.contains("never closed"))
        let mismatched = try #require(problem("Subject: x\n\n{{#has_order_number}}{{/has_first_name}}\n"))
        #expect(mismatched.message.contains("has_order_number"))
        #expect(problem("Subject: x\n\n{{/has_first_name}}\n")?.message.contains("never opened") == true)
    }

    /// Only text is written into a mail: a flag would print "true", a list or the customer
    /// object Swift's description of it, with its fields in an order that changes between runs.
    @Test func flagsListsAndObjectsAreRefusedAsTextWithTheWayToWriteThem() throws {
        let flag = try #require(problem("Subject: x\n\nHello\n{{has_first_name}}\n"))
        #expect(flag.line == 4)
        #expect(flag.message.contains("yes/no flag"))
        #expect(flag.message.contains("{{#has_first_name}}…{{/has_first_name}}"))
        let list = try #require(problem("Subject: x\n\nOrders: {{{order_numbers}}}\n"))
        #expect(list.message.contains("{{#order_numbers}}{{.}} {{/order_numbers}}"))
        let object = try #require(problem("Subject: {{& customer}}\n\nHello\n"))
        #expect(object.line == 1)
        #expect(object.message.contains("group of fields"))
        #expect(object.message.contains("{{customer.name}}"))
        // A flag field, by path or inside its object's section.
        #expect(problem("Subject: x\n\n{{customer.is_long_standing}}\n")?.message.contains("yes/no flag") == true)
        #expect(problem("Subject: x\n\n{{#customer}}{{is_long_standing}}{{/customer}}\n")?.message.contains("yes/no flag") == true)
        // The same names open sections, and text fields are still written.
        #expect(problem("Subject: x\n\n{{#has_first_name}}Hi {{first_name}}{{/has_first_name}}{{#customer}}{{#is_long_standing}}{{years}}{{/is_long_standing}}{{/customer}}\n") == nil)
    }

    @Test func aTemplateNeedsASubjectHeaderAndABody() {
        #expect(problem("Hello {{first_name}}\n")?.message.contains("Subject") == true)
        #expect(problem("Subject: x\nFrom: y\n\nHello\n")?.message.contains("only Subject") == true)
        #expect(problem("Subject: x\n\n\n")?.message.contains("body is empty") == true)
        #expect(problem("Subject: {{reply_subjct}}\n\nHello\n")?.line == 1)
    }

    @Test func fieldsOfAnObjectResolveInsideItsSectionAndByPath() {
        #expect(problem("Subject: x\n\n{{#customer}}{{tier}}{{/customer}} {{customer.years}}\n") == nil)
        #expect(problem("Subject: x\n\n{{customer.colour}}\n") != nil)
        #expect(problem("Subject: x\n\n{{#order_numbers}}{{.}} {{/order_numbers}}\n") == nil)
        #expect(problem("Subject: x\n\n{{.}}\n") != nil)
        // Inside the customer's section, even within a list, `.` is the customer object.
        #expect(problem("Subject: x\n\n{{#order_numbers}}{{#customer}}{{.}}{{/customer}}{{/order_numbers}}\n") != nil)
        #expect(problem("Subject: x\n\n{{#customer}}{{#order_numbers}}{{.}}{{/order_numbers}}{{/customer}}\n") == nil)
        #expect(problem("Subject: x\n\n{{#order_numbers}}{{#has_first_name}}{{.}}{{/has_first_name}}{{/order_numbers}}\n") == nil)
    }

    @Test func theLibraryListsEveryProblemAndEveryMissingTemplate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tact-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "Subject: x\n\nHi {{frist_name}}\n".write(
            to: directory.appendingPathComponent("complaint.mustache"), atomically: true, encoding: .utf8)
        do {
            _ = try TemplateLibrary(directory: directory.path)
            Issue.record("a broken library must not load")
        } catch {
            #expect(error.problems.contains { $0.file.hasSuffix("complaint.mustache") && $0.line == 3 })
            #expect(error.problems.filter { $0.message.hasPrefix("missing") }.count == TemplateLibrary.requiredNames.count - 1)
        }
    }
}

@Suite struct TemplateRenderingTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func context(
        category: String = "complaint", firstName: String? = "Jane", subject: String = "Late delivery",
        orders: [String] = [], asked: Bool = false, customer: CustomerRecord? = nil
    ) -> DraftContext {
        let hours = BusinessHours.weekdays9to5(timeZone: berlin)
        let arrival = Date(timeIntervalSince1970: 1_795_424_400)  // Monday 23 November 2026, 09:00 UTC = 10:00 Berlin
        return DraftContext(
            category: category, firstName: firstName, subject: subject, orderNumbers: orders, askedHowAreYou: asked,
            customer: customer, agent: AgentIdentity(name: "Marta Keller", team: "Support at Shop"), ticket: "T-1042",
            promisedBy: try! hours.promise(for: arrival, target: .businessHours(4)), responseTarget: .businessHours(4),
            businessHours: hours, now: arrival)
    }

    @Test func everyValueKeyIsAKnownVariableAndTheReverse() {
        let full = context(orders: ["#1"], asked: true, customer: CustomerRecord(name: "Jane Doe", since: LocalDate(year: 2019, month: 3, day: 1), tier: "gold"))
        #expect(Set(full.values.keys) == Set(TemplateVariable.known.keys))
        // The renderer's names are the same ones.
        #expect(Set(TemplateName.allCases.map(\.rawValue)) == Set(TemplateVariable.known.keys))
        guard case .object(let fields)? = TemplateVariable.known["customer"] else {
            Issue.record("customer must be an object")
            return
        }
        #expect(Set((full.values["customer"] as? [String: Any] ?? [:]).keys) == Set(fields.keys))
    }

    /// Drafts render from values computed as the template asks for them (`render(_: DraftContext)`):
    /// the text must be the one the whole dictionary gives, for every shipped template and for a
    /// template using every name, in every section form, with and without each optional value.
    @Test func valuesLookedUpOnDemandRenderLikeTheWholeDictionary() throws {
        let library = try TemplateLibrary(directory: shippedTemplates)
        var everyName = "Subject: {{reply_subject}} {{ticket}}\n\n"
        for name in TemplateVariable.known.keys.sorted() where name != "customer" && name != "order_numbers" {
            // A flag is never written as text (the checker refuses it); it only opens sections.
            let isText = TemplateVariable.known[name] == .text
            let written = isText ? "\(name)={{\(name)}}|{{{\(name)}}}|{{& \(name)}}\n" : "\(name)\n"
            everyName += written + "{{#\(name)}}\nyes\(isText ? " {{\(name)}}" : "")\n{{/\(name)}}\n{{^\(name)}}no{{/\(name)}}\n"
        }
        everyName += "{{#order_numbers}}\n- {{.}}\n{{/order_numbers}}\n{{^order_numbers}}none{{/order_numbers}}\n"
        everyName += "{{#customer}}\n{{name}} {{tier}} {{since_year}} {{years}} {{#is_long_standing}}long{{/is_long_standing}}\n{{/customer}}\n"
        everyName += "{{customer.name}}/{{customer.tier}}/{{customer.years}}{{^customer}}no record{{/customer}}\n"
        let probe = try ReplyTemplate(name: "probe", file: "probe.mustache", text: everyName)
        let templates = library.templates.keys.sorted().compactMap { library.templates[$0] } + [probe]
        #expect(templates.count == TemplateLibrary.requiredNames.count + 1)
        let customers: [CustomerRecord?] = [
            nil, CustomerRecord(), CustomerRecord(name: "Jane Doe", since: LocalDate(year: 2019, month: 3, day: 1), tier: "gold"),
            CustomerRecord(since: LocalDate(year: 2026, month: 1, day: 5)),
        ]
        var compared = 0
        for template in templates {
            for (firstName, orders, asked) in [("Jane", [String](), false), (nil, ["#1", "#22"], true), ("Zoë", ["A-9"], false)] {
                for customer in customers {
                    let draft = context(firstName: firstName, orders: orders, asked: asked, customer: customer)
                    let expected = template.render(draft.values)
                    let rendered = template.render(draft)
                    #expect(rendered.subject == expected.subject, "\(template.name)")
                    #expect(rendered.body == expected.body, "\(template.name) \(String(describing: firstName)) \(orders) \(asked)")
                    compared += 1
                }
            }
        }
        #expect(compared == templates.count * 12)
        // The probe really exercised the values (a renderer that ignored them would fail above
        // only by accident).
        let full = probe.render(context(orders: ["#1"], asked: true, customer: customers[2]))
        #expect(full.body.contains("first_name=Jane|Jane|Jane\nyes Jane\n"))
        #expect(full.body.contains("- #1\n"))
        #expect(full.body.contains("Jane Doe gold 2019 7 long"))
    }

    @Test func namesAreRenderedVerbatimNeverHTMLEscaped() throws {
        let library = try TemplateLibrary(directory: shippedTemplates)
        for name in ["O'Brien", "<Jones>", "Zoë & Ana", "\"Max\""] {
            let (subject, body) = library.template(category: "complaint", uncertain: false)
                .render(context(firstName: name, subject: "Tom & Jerry's <order>").values)
            #expect(body.contains("Hi \(name),"))
            #expect(subject == "Re: Tom & Jerry's <order>")
            #expect(!body.contains("&#39;") && !body.contains("&lt;") && !body.contains("&amp;"))
        }
    }

    @Test func theGreetingFallsBackWithoutAName() throws {
        let library = try TemplateLibrary(directory: shippedTemplates)
        let (_, body) = library.template(category: "refund", uncertain: false).render(context(firstName: nil).values)
        #expect(body.hasPrefix("Hello,\n"))
    }

    @Test func thePromiseIsConcrete() throws {
        let library = try TemplateLibrary(directory: shippedTemplates)
        let (_, body) = library.template(category: "complaint", uncertain: false).render(context().values)
        // Arrival Monday 10:00 Berlin + 4 business hours = 14:00 the same day.
        #expect(body.contains("by Monday 23 November, 14:00"))
    }

    @Test func customerHistoryAndOrderNumbersAppearOnlyWhenKnown() throws {
        let library = try TemplateLibrary(directory: shippedTemplates)
        let template = library.template(category: "complaint", uncertain: false)
        let loyal = template.render(context(orders: ["#48213"], customer: CustomerRecord(since: LocalDate(year: 2019, month: 3, day: 1))).values).body
        #expect(loyal.contains("order #48213"))
        #expect(loyal.contains("7 years with us"))
        let plain = template.render(context().values).body
        #expect(!plain.contains("years with us"))
        #expect(!plain.contains("order "))
    }

    @Test func askingHowWeAreGetsAnAnswer() throws {
        let library = try TemplateLibrary(directory: shippedTemplates)
        let body = library.template(category: "question", uncertain: false).render(context(asked: true).values).body
        #expect(body.contains("thank you for asking"))
        let without = library.template(category: "question", uncertain: false).render(context(asked: false).values).body
        #expect(!without.contains("thank you for asking"))
    }

    @Test func uncertainMailGetsTheOpenQuestion() throws {
        let library = try TemplateLibrary(directory: shippedTemplates)
        #expect(library.template(category: "billing", uncertain: true).name == "uncertain")
        #expect(library.template(category: "billing", uncertain: false).name == "billing")
        #expect(library.template(category: "unheard-of", uncertain: false).name == "question")
    }

    @Test(arguments: ["Re: Re: Hello", "RE: AW: Hello", "Re[2]: Hello", "  re:Hello", "Hello"])
    func theReplySubjectHasExactlyOneRe(_ subject: String) {
        #expect(DraftContext.replySubject(for: subject) == "Re: Hello")
    }

    /// The first-byte shortcut gives what stripping the prefixes one by one gives, on subjects
    /// made of prefixes in any case, "Re[2]:" forms, white space, combining marks and other words.
    @Test func theShortcutReplySubjectIsTheStrippedOne() {
        let pieces = ["Re:", "RE: ", "aw:", "Sv: ", "ANTW:", "réf:", "Ref:", "r:", "R:", "Re[2]:", "re (3):", " ", "\t",
            "Refund", "Order 5", "Sale", "Aw", "\u{301}", "É", "ß", "「", "x", "", "\u{A0}"]
        var random = SplitMix64(seed: 0x5EB7)
        for _ in 0..<20_000 {
            let subject = random.concatenation(of: pieces, count: 0...5)
            #expect(DraftContext.replySubject(for: subject)
                == DraftContext.replySubjectStrippingPrefixes(subject.trimmingScalars(ScalarClass.whitespace)),
                "\(subject.debugDescription)")
        }
    }

    @Test func anEmptySubjectStillGetsAReadableOne() {
        #expect(DraftContext.replySubject(for: "") == "Re: your message")
        #expect(DraftContext.replySubject(for: "Re:") == "Re: your message")
    }

    @Test func everyShippedTemplateRendersWithoutLeftoverTagsAcrossTheMatrix() throws {
        let library = try TemplateLibrary(directory: shippedTemplates)
        var renders = 0
        for name in TemplateLibrary.requiredNames {
            for matrixCase in TemplateMatrix.cases(category: name) {
                let (subject, body) = library.templates[name]!.render(matrixCase.context.values)
                #expect(!body.contains("{{") && !body.contains("}}") && !subject.isEmpty, "\(name), \(matrixCase.label)")
                #expect(!body.contains("\n\n\n"), "\(name) leaves a double blank line (\(matrixCase.label))")
                #expect(body.contains("Marta Keller"))
                #expect(body.contains("Jane") == (matrixCase.context.firstName != nil))
                renders += 1
            }
        }
        #expect(renders == TemplateLibrary.requiredNames.count * 16)
    }
}

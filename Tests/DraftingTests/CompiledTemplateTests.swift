import Foundation
import TactTestSupport
import Testing

@testable import Drafting

/// The direct renderer (`CompiledTemplate`) must give swift-mustache's text to the byte: for the
/// shipped templates (which must take it), and for templates generated from every construct a
/// reply template may use, laid out every way that matters to Mustache's whitespace rules.
@Suite struct CompiledTemplateTests {
    let rendering = TemplateRenderingTests()

    /// The twelve contexts of `TemplateRenderingTests`: with and without a first name, order
    /// numbers, the "how are you" question, and each kind of customer record.
    var contexts: [DraftContext] {
        let customers: [CustomerRecord?] = [
            nil, CustomerRecord(), CustomerRecord(name: "Jane Doe", since: LocalDate(year: 2019, month: 3, day: 1), tier: "gold"),
            CustomerRecord(since: LocalDate(year: 2026, month: 1, day: 5)),
        ]
        var result: [DraftContext] = []
        for (firstName, orders, asked) in [("Jane", [String](), false), (nil, ["#1", "#22"], true), ("Zoë", ["A-9"], false)] {
            for customer in customers {
                result.append(rendering.context(firstName: firstName, orders: orders, asked: asked, customer: customer))
            }
        }
        return result
    }

    @Test func theShippedTemplatesTakeTheDirectRendererAndRenderAsSwiftMustacheDoes() throws {
        let library = try TemplateLibrary(directory: shippedTemplates)
        #expect(library.templates.count == TemplateLibrary.requiredNames.count)
        for (name, template) in library.templates {
            #expect(template.compiled != nil, "\(name) falls back to swift-mustache")
            for context in self.contexts {
                let direct = template.render(context)
                let reference = template.renderWithoutCompiling(context)
                #expect(direct.subject == reference.subject, "\(name)")
                #expect(direct.body == reference.body, "\(name)")
            }
        }
    }

    /// Random template bodies from text, variables in all three forms, comments, and sections of
    /// every kind of value, nested, inline or alone on their lines with spaces and tabs around.
    struct Generator {
        var random: SplitMix64
        static let texts = ["Hello", " ", "  ", "\t", "\n", "\n\n", "a { b", "c } d", "e}}f", "{x}", "Zoë ", "line\n", "  \n", ""]
        static let textNames = ["first_name", "greeting", "subject", "reply_subject", "category", "order_number",
                                "how_are_you_reply", "agent_name", "team_name", "ticket", "promised_by", "promised_by_date",
                                "promised_by_time", "response_target", "customer.name", "customer.years", "customer.tier",
                                "customer.since_year"]
        static let flagNames = ["has_first_name", "has_order_number", "has_customer_record", "asked_how_are_you",
                                "customer.is_long_standing"]
        static let customerFields = ["name", "tier", "years", "since_year", "is_long_standing"]
        static let customerTextFields = ["name", "tier", "years", "since_year"]

        mutating func pick<T>(_ items: [T]) -> T { items[Int(self.random.next() % UInt64(items.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { self.random.next() % 100 < percent }

        mutating func variable(inList: Bool, inCustomer: Bool) -> String {
            // Only text may be written: the checker refuses flags, lists and the customer object.
            var names = Self.textNames
            if inList { names += [".", "."] }
            if inCustomer { names += Self.customerTextFields }
            let name = self.pick(names)
            switch self.random.next() % 4 {
            case 0: return "{{\(name)}}"
            case 1: return "{{ \(name) }}"
            case 2: return name == "." ? "{{.}}" : "{{{\(name)}}}"
            default: return "{{& \(name)}}"
            }
        }

        /// A section tag pair around a generated inside, inline or standalone.
        mutating func section(depth: Int, inList: Bool, inCustomer: Bool) -> String {
            var names = Self.flagNames + Self.textNames + ["order_numbers", "customer"]
            if inCustomer { names += Self.customerFields }
            let name = self.pick(names)
            let sigil = self.chance(30) ? "^" : "#"
            // Inside the customer's section `.` is the customer object, which is not text.
            let list = (inList && !(name == "customer" && sigil == "#")) || (name == "order_numbers" && sigil == "#")
            let customer = inCustomer || (name == "customer" && sigil == "#")
            let inside = self.body(depth: depth + 1, inList: list, inCustomer: customer)
            let indent = self.pick(["", " ", "  ", "\t"])
            let after = self.pick(["", " ", "\t "])
            if self.chance(50) {
                // Alone on their lines (the tags and their lines vanish), sometimes with text after.
                let tail = self.chance(20) ? "tail" : ""
                return "\n\(indent){{\(sigil)\(name)}}\(after)\n\(inside)\n\(indent){{/\(name)}}\(after)\(tail)\n"
            }
            return "\(indent){{\(sigil)\(name)}}\(inside){{/\(name)}}\(after)"
        }

        mutating func body(depth: Int, inList: Bool, inCustomer: Bool) -> String {
            var out = ""
            for _ in 0..<(1 + self.random.next() % 5) {
                switch self.random.next() % 10 {
                case 0, 1, 2: out += self.pick(Self.texts)
                case 3, 4, 5: out += self.variable(inList: inList, inCustomer: inCustomer)
                case 6: out += self.chance(50) ? "{{! a note }}" : "\n  {{! a note\n on two lines }}\n"
                default:
                    if depth < 3 {
                        out += self.section(depth: depth, inList: inList, inCustomer: inCustomer)
                    } else {
                        out += self.pick(Self.texts)
                    }
                }
            }
            return out
        }
    }

    @Test func generatedTemplatesRenderAsSwiftMustacheDoes() throws {
        var generator = Generator(random: SplitMix64(seed: 20_261_202))
        var compared = 0
        var compiled = 0
        let contexts = self.contexts
        for index in 0..<400 {
            let subject = "Subject: " + generator.variable(inList: false, inCustomer: false) + " " + generator.pick(["", "Re", "{{ticket}}"])
            let source = subject + "\n\nDear customer,\n" + generator.body(depth: 0, inList: false, inCustomer: false) + "\n"
            let template: ReplyTemplate
            do {
                template = try ReplyTemplate(name: "generated-\(index)", file: "generated.mustache", text: source)
            } catch {
                Issue.record("generated template \(index) was refused: \(error)\n\(source)")
                continue
            }
            guard template.compiled != nil else {
                Issue.record("generated template \(index) falls back to swift-mustache:\n\(source)")
                continue
            }
            compiled += 1
            for context in contexts {
                let direct = template.render(context)
                let reference = template.renderWithoutCompiling(context)
                #expect(direct.subject == reference.subject, "template \(index):\n\(source)")
                #expect(direct.body == reference.body, "template \(index):\n\(source)")
                compared += 1
            }
        }
        #expect(compiled == 400)
        #expect(compared == 400 * 12)
    }

    /// What the direct renderer does not handle goes to swift-mustache, whole.
    @Test func aTemplateWithAnotherContentTypeFallsBack() throws {
        let template = try ReplyTemplate(
            name: "html", file: "html.mustache", text: "Subject: {{reply_subject}}\n\n{{% CONTENT_TYPE: HTML}}Hi {{first_name}}\n")
        #expect(template.compiled == nil)
        let body = template.render(rendering.context(firstName: "O'Brien")).body
        #expect(body == "Hi O&#39;Brien\n", "swift-mustache escapes after the pragma")
        // And the plain-text pragma repeated changes nothing.
        let text = try ReplyTemplate(
            name: "text", file: "text.mustache", text: "Subject: x\n\n{{% CONTENT_TYPE: TEXT}}Hi {{first_name}}\n")
        #expect(text.compiled != nil)
        #expect(text.render(rendering.context(firstName: "O'Brien")).body == "Hi O'Brien\n")
    }
}

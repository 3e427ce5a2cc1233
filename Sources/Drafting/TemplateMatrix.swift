import Foundation

/// The contexts every template is checked against: each category × {name known, unknown} ×
/// {customer record, none} × {asked how we are, not} × {order number, none}. A template that
/// renders lint-clean for all of them is safe to ship.
public enum TemplateMatrix {
    /// One case of the matrix, with a label for reports ("name, record, asked, order").
    public struct Case: Sendable {
        public let label: String
        public let context: DraftContext
    }

    /// The 16 cases for `category`, with fixed sample values and a fixed arrival time.
    public static func cases(category: String, agent: AgentIdentity = AgentIdentity(name: "Marta Keller", team: "Customer care"))
        -> [Case]
    {
        let zone = TimeZone(identifier: "Europe/London") ?? .gmt
        let hours = BusinessHours.weekdays9to5(timeZone: zone)
        let arrival = Date(timeIntervalSince1970: 1_795_424_400)  // Monday 23 November 2026, 09:00 UTC
        let promise = (try? hours.promise(for: arrival, target: .businessHours(4))) ?? arrival
        var cases: [Case] = []
        for named in [true, false] {
            for hasRecord in [true, false] {
                for asked in [true, false] {
                    for hasOrder in [true, false] {
                        let label = [
                            named ? "first name" : "no name", hasRecord ? "customer record" : "no record",
                            asked ? "asked how we are" : "did not ask", hasOrder ? "order number" : "no order number",
                        ].joined(separator: ", ")
                        let context = DraftContext(
                            category: category, firstName: named ? "Jane" : nil, subject: "Question about my order",
                            orderNumbers: hasOrder ? ["#48213"] : [], askedHowAreYou: asked,
                            customer: hasRecord
                                ? CustomerRecord(name: "Jane Doe", since: LocalDate(year: 2018, month: 5, day: 2), tier: "gold") : nil,
                            agent: agent, ticket: "T-1042", promisedBy: promise, responseTarget: .businessHours(4),
                            businessHours: hours, now: arrival)
                        cases.append(Case(label: label, context: context))
                    }
                }
            }
        }
        return cases
    }
}

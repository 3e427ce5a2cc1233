import Foundation
import MailParsing

/// A customer's entry in the deployment's customer directory (a CSV file).
public struct CustomerRecord: Sendable, Equatable {
    public var name: String?
    public var since: LocalDate?
    public var tier: String?

    public init(name: String? = nil, since: LocalDate? = nil, tier: String? = nil) {
        self.name = name
        self.since = since
        self.tier = tier
    }
}

/// Who signs the reply: a person's name (seed 000 rule 4: "letting them know you"), and the team.
public struct AgentIdentity: Sendable, Equatable {
    public var name: String
    public var signature: String
    public var team: String

    public init(name: String, signature: String = "", team: String) {
        self.name = name
        self.signature = signature
        self.team = team
    }
}

/// Everything a template can say about one incoming message: the values behind
/// `TemplateVariable.known`. Built by the daemon (or `tact draft`) from the earlier stages.
public struct DraftContext: Sendable {
    public var category: String
    public var firstName: String?
    public var subject: String
    public var orderNumbers: [String]
    public var askedHowAreYou: Bool
    public var customer: CustomerRecord?
    public var agent: AgentIdentity
    public var ticket: String
    public var promisedBy: Date
    public var responseTarget: ResponseTarget
    public var businessHours: BusinessHours
    /// The arrival time; "years as a customer" is counted up to it, so a draft reads the same on replay.
    public var now: Date

    public init(
        category: String, firstName: String?, subject: String, orderNumbers: [String], askedHowAreYou: Bool,
        customer: CustomerRecord?, agent: AgentIdentity, ticket: String, promisedBy: Date,
        responseTarget: ResponseTarget, businessHours: BusinessHours, now: Date
    ) {
        self.category = category
        self.firstName = firstName
        self.subject = subject
        self.orderNumbers = orderNumbers
        self.askedHowAreYou = askedHowAreYou
        self.customer = customer
        self.agent = agent
        self.ticket = ticket
        self.promisedBy = promisedBy
        self.responseTarget = responseTarget
        self.businessHours = businessHours
        self.now = now
    }

    /// The subject of the reply: the customer's subject with exactly one "Re: " in front, however
    /// many "Re:"/"RE:"/"Aw:"/"Fwd:"-style prefixes their client stacked up.
    public static func replySubject(for subject: String) -> String {
        var rest = subject.trimmingScalars(ScalarClass.whitespace)
        let prefixes = ["re:", "aw:", "sv:", "antw:", "réf:", "ref:", "r:"]
        var stripped = true
        while stripped {
            stripped = false
            // Every prefix is at most 5 characters: lower-case only the subject's head.
            for prefix in prefixes where rest.prefix(6).lowercased().hasPrefix(prefix) {
                rest = String(rest.dropFirst(prefix.count)).trimmingScalars(ScalarClass.whitespace)
                stripped = true
            }
            // "Re[2]:" and "Re(2):" forms. The regular expression is compiled at every call: only
            // tried on a subject that starts with "re", spaces and "[" or "(" (the pattern's own
            // start), not on every "Refund …" or "Return …".
            let head = Array(rest.unicodeScalars.prefix(12)).filter { $0 != " " && $0 != "\t" }
            if head.count >= 3, head[0] == "r" || head[0] == "R", head[1] == "e" || head[1] == "E",
                head[2] == "[" || head[2] == "(",
                let match = rest.range(of: #"^(?i:re)\s*[\[(]\d+[\])]\s*:"#, options: .regularExpression)
            {
                rest = String(rest[match.upperBound...]).trimmingScalars(ScalarClass.whitespace)
                stripped = true
            }
        }
        return rest.isEmpty ? "Re: your message" : "Re: \(rest)"
    }

    /// The Mustache values. Every key here is in `TemplateVariable.known`, and the reverse (a test checks it).
    public var values: [String: Any] {
        // One calendar lookup for the three forms of the promise.
        let promise = DateText.Parts(self.promisedBy, in: self.businessHours.timeZone)
        var values: [String: Any] = [
            "first_name": self.firstName ?? "",
            "has_first_name": self.firstName != nil,
            "greeting": self.firstName.map { "Hi \($0)," } ?? "Hello,",
            "subject": self.subject,
            "reply_subject": Self.replySubject(for: self.subject),
            "category": self.category,
            "order_numbers": self.orderNumbers,
            "order_number": self.orderNumbers.first ?? "",
            "has_order_number": !self.orderNumbers.isEmpty,
            "has_customer_record": self.customer != nil,
            "asked_how_are_you": self.askedHowAreYou,
            "how_are_you_reply": self.askedHowAreYou ? "I'm well, thank you for asking, and I hope you are too." : "",
            "agent_name": self.agent.name,
            "agent_signature": self.agent.signature,
            "team_name": self.agent.team,
            "ticket": self.ticket,
            "promised_by": promise.dayMonthAndTime,
            "promised_by_date": promise.dayAndMonth,
            "promised_by_time": promise.time,
            "response_target": self.responseTarget.description,
        ]
        if let customer = self.customer {
            var fields: [String: Any] = [:]
            if let name = customer.name { fields["name"] = name }
            if let tier = customer.tier { fields["tier"] = tier }
            if let since = customer.since {
                let calendar = Self.calendar(in: self.businessHours.timeZone)
                fields["since_year"] = String(since.year)
                let start = calendar.date(from: DateComponents(year: since.year, month: since.month, day: since.day))
                let years = start.map { calendar.dateComponents([.year], from: $0, to: self.now).year ?? 0 } ?? 0
                fields["years"] = String(max(0, years))
                fields["is_long_standing"] = years >= 2
            } else {
                fields["is_long_standing"] = false
            }
            values["customer"] = fields
        }
        return values
    }

    private static func calendar(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}

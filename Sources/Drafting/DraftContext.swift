import Foundation
import MailParsing
import Mustache

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
        let rest = subject.trimmingScalars(ScalarClass.whitespace)
        // Every prefix starts with an a, r or s (or its capital): a subject starting with any other
        // ASCII byte has none, and needs no lower-casing of its head per prefix (every draft asks).
        if let first = rest.utf8.first, first < 0x80, !Self.prefixInitials.contains(first | 0x20) { return "Re: \(rest)" }
        return Self.replySubjectStrippingPrefixes(rest)
    }

    private static let prefixInitials: Set<UInt8> = [UInt8(ascii: "a"), UInt8(ascii: "r"), UInt8(ascii: "s")]

    /// `replySubject` without the first-byte shortcut: strips the prefixes one by one from a
    /// subject already trimmed of white space.
    static func replySubjectStrippingPrefixes(_ trimmed: String) -> String {
        var rest = trimmed
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
        let lookup = TemplateValues(self)
        var values: [String: Any] = [:]
        for name in TemplateVariable.known.keys {
            if let value = lookup.child(named: name) { values[name] = value }
        }
        return values
    }

    /// The value of one root name of `TemplateVariable.known` (nil for other names, and for
    /// `customer` when there is no customer record). `promise` is `promisedBy` in the business
    /// hours' zone, looked up once for its three forms.
    func value(named name: String, promise: DateText.Parts) -> Any? {
        TemplateName(rawValue: name).flatMap { self.value($0, promise: promise) }
    }

    /// `value(named:promise:)` for a name already read (`CompiledTemplate` reads each tag's name
    /// once, when the template is compiled: matching it against every name at each tag of every
    /// draft cost more than the rest of rendering).
    func value(_ name: TemplateName, promise: DateText.Parts) -> Any? {
        self.templateValue(name, promise: promise)?.any
    }

    /// `value(_:promise:)` as a `TemplateValue`, for the direct renderer (no casts from `Any`).
    func templateValue(_ name: TemplateName, promise: DateText.Parts) -> TemplateValue? {
        switch name {
        case .firstName: return .text(self.firstName ?? "")
        case .hasFirstName: return .flag(self.firstName != nil)
        case .greeting: return .text(self.firstName.map { "Hi \($0)," } ?? "Hello,")
        case .subject: return .text(self.subject)
        case .replySubject: return .text(Self.replySubject(for: self.subject))
        case .category: return .text(self.category)
        case .orderNumbers: return .list(self.orderNumbers)
        case .orderNumber: return .text(self.orderNumbers.first ?? "")
        case .hasOrderNumber: return .flag(!self.orderNumbers.isEmpty)
        case .hasCustomerRecord: return .flag(self.customer != nil)
        case .askedHowAreYou: return .flag(self.askedHowAreYou)
        case .howAreYouReply:
            return .text(self.askedHowAreYou ? "I'm well, thank you for asking, and I hope you are too." : "")
        case .agentName: return .text(self.agent.name)
        case .agentSignature: return .text(self.agent.signature)
        case .teamName: return .text(self.agent.team)
        case .ticket: return .text(self.ticket)
        case .promisedBy: return .text(promise.dayMonthAndTime)
        case .promisedByDate: return .text(promise.dayAndMonth)
        case .promisedByTime: return .text(promise.time)
        case .responseTarget: return .text(self.responseTarget.description)
        case .customer: return self.customer.map { .fields(self.customerFields($0)) }
        }
    }

    private func customerFields(_ customer: CustomerRecord) -> [String: Any] {
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
        return fields
    }

    private static func calendar(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}

/// A draft's template values, each computed when the template looks it up: a template uses a few
/// of the names, and building the whole dictionary first (`DraftContext.values`) was a tenth of
/// drafting. Gives the same value for every name as that dictionary (a test checks it).
/// The root names of `TemplateVariable.known`, as the renderer looks them up (a test holds the
/// two to the same names).
enum TemplateName: String, CaseIterable, Sendable {
    case firstName = "first_name", hasFirstName = "has_first_name", greeting, subject
    case replySubject = "reply_subject", category, orderNumbers = "order_numbers", orderNumber = "order_number"
    case hasOrderNumber = "has_order_number", hasCustomerRecord = "has_customer_record"
    case askedHowAreYou = "asked_how_are_you", howAreYouReply = "how_are_you_reply", agentName = "agent_name"
    case agentSignature = "agent_signature", teamName = "team_name", ticket, promisedBy = "promised_by"
    case promisedByDate = "promised_by_date", promisedByTime = "promised_by_time"
    case responseTarget = "response_target", customer
}

/// A value a template name stands for, as its type: what `DraftContext.value` gives as `Any`
/// (strings, flags, the list of order numbers, the customer's fields), and the draft's values
/// themselves (what `{{.}}` names outside any section).
enum TemplateValue {
    case text(String)
    case flag(Bool)
    case list([String])
    /// The customer's fields, exactly as swift-mustache is given them (`String` and `Bool` values).
    case fields([String: Any])
    indirect case root(TemplateValues)

    /// The value as swift-mustache is given it.
    var any: Any {
        switch self {
        case .text(let text): text
        case .flag(let flag): flag
        case .list(let list): list
        case .fields(let fields): fields
        case .root(let values): values
        }
    }

    /// A customer field (a `String` or a `Bool`; nil for anything else, which no field is).
    init?(field: Any) {
        if let text = field as? String {
            self = .text(text)
        } else if let flag = field as? Bool {
            self = .flag(flag)
        } else {
            return nil
        }
    }
}

struct TemplateValues: MustacheParent {
    let context: DraftContext
    let promise: DateText.Parts

    init(_ context: DraftContext) {
        self.context = context
        self.promise = DateText.Parts(context.promisedBy, in: context.businessHours.timeZone)
    }

    func child(named name: String) -> Any? { self.context.value(named: name, promise: self.promise) }
}

/// Every variable a reply template may use. `tact templates check` rejects any other name, so a
/// typo like `{{frist_name}}` is caught before a customer sees an empty greeting.
/// templates/README.md documents each one with an example; keep the two in step.
public enum TemplateVariable {
    /// What a name refers to: text, a yes/no flag (for `{{#flag}}…{{/flag}}` sections), a list of
    /// texts (`{{#list}}{{.}}{{/list}}`), or an object with fields (`{{customer.tier}}`).
    public indirect enum Kind: Sendable, Equatable {
        case text
        case flag
        case list
        case object([String: Kind])
    }

    public static let known: [String: Kind] = [
        "first_name": .text,
        "has_first_name": .flag,
        "greeting": .text,
        "subject": .text,
        "reply_subject": .text,
        "category": .text,
        "order_numbers": .list,
        "order_number": .text,
        "has_order_number": .flag,
        "customer": .object([
            "name": .text, "since_year": .text, "years": .text, "tier": .text, "is_long_standing": .flag,
        ]),
        "has_customer_record": .flag,
        "asked_how_are_you": .flag,
        "how_are_you_reply": .text,
        "agent_name": .text,
        "agent_signature": .text,
        "team_name": .text,
        "ticket": .text,
        "promised_by": .text,
        "promised_by_date": .text,
        "promised_by_time": .text,
        "response_target": .text,
    ]
}

import Foundation

/// How a mailbox drafts: who signs, the team's hours, and how fast each category is answered.
/// Filled from `tact.toml` by the configuration loader; the defaults here are the documented ones.
public struct DraftingSettings: Sendable {
    /// The address and name replies come from.
    public var from: MailAddress
    public var agent: AgentIdentity
    public var businessHours: BusinessHours
    /// Response target per category; `defaultTarget` for any category not listed.
    public var targets: [String: ResponseTarget]
    public var defaultTarget: ResponseTarget
    public var customers: CustomerDirectory?

    public init(
        from: MailAddress, agent: AgentIdentity, businessHours: BusinessHours,
        targets: [String: ResponseTarget] = DraftingSettings.defaultTargets, defaultTarget: ResponseTarget = .businessDays(1),
        customers: CustomerDirectory? = nil
    ) {
        self.from = from
        self.agent = agent
        self.businessHours = businessHours
        self.targets = targets
        self.defaultTarget = defaultTarget
        self.customers = customers
    }

    /// Complaints and technical faults first; praise gets a day (it needs no fix, just thanks).
    public static let defaultTargets: [String: ResponseTarget] = [
        "complaint": .businessHours(4),
        "technical": .businessHours(4),
        "refund": .businessHours(8),
        "order-status": .businessHours(4),
        "billing": .businessDays(1),
        "cancellation": .businessDays(1),
        "praise": .businessDays(2),
        "question": .businessDays(1),
    ]

    public func target(for category: String) -> ResponseTarget {
        self.targets[category] ?? self.defaultTarget
    }
}

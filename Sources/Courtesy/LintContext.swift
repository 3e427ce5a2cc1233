/// What the linter may know beyond the draft: facts about the incoming mail it answers.
///
/// Every field is optional; a rule that needs a field stays silent when it is `nil`, because
/// guessing would produce false positives. The daemon fills this from the parsed and
/// classified incoming message (`category` from triage, `firstName` from the sender's display
/// name, `askedHowAreYou` from the text body); `tact lint` fills it from flags.
public struct LintContext: Sendable, Equatable, Hashable {
    /// The triage category of the incoming mail, e.g. `complaint`, `billing`, `shipping`.
    public var category: String?
    /// The tone of the incoming mail, e.g. `negative`, `neutral`, `positive`.
    public var sentiment: String?
    /// The customer's first name, when known.
    public var firstName: String?
    /// Whether the customer asked how we are; `nil` when nobody looked.
    public var askedHowAreYou: Bool?

    public init(
        category: String? = nil, sentiment: String? = nil, firstName: String? = nil,
        askedHowAreYou: Bool? = nil
    ) {
        self.category = category
        self.sentiment = sentiment
        self.firstName = firstName
        self.askedHowAreYou = askedHowAreYou
    }
}

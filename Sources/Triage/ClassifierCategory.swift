/// What a customer's mail is mainly about. The default set is below; a deployment can rename
/// or add categories simply by training on folders with other names.
public struct Category: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Category, rhs: Category) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let complaint = Category("complaint")
    public static let refund = Category("refund")
    public static let orderStatus = Category("order-status")
    public static let billing = Category("billing")
    public static let technical = Category("technical")
    public static let cancellation = Category("cancellation")
    public static let praise = Category("praise")
    public static let question = Category("question")
    /// Machine mail. Decided only by suppression; the classifier never returns it, and
    /// training refuses it as a label.
    public static let automated = Category("automated")

    /// The categories a default deployment is trained on.
    public static let defaults: [Category] = [
        .complaint, .refund, .orderStatus, .billing, .technical, .cancellation, .praise, .question,
    ]
}

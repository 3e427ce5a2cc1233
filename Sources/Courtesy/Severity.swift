/// How much a finding matters: `error` blocks sending until a person fixes or overrides it,
/// `warning` is shown in review and blocks automatic sending, `suggestion` is advice only.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    /// Advice only.
    case suggestion
    /// Shown in review; blocks automatic sending.
    case warning
    /// Blocks sending until a person fixes or overrides it.
    case error

    private var rank: Int {
        switch self {
        case .suggestion: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A rule pack that cannot be used, with where the problem is and how to fix it.
///
/// Its `description` reads `FILE:LINE: what is wrong. Fix: what to do.`
public struct RulePackError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the rule pack was read from (or a name such as `<default pack>`).
    public let file: String
    /// The 1-based line the problem is on, when it can be told.
    public let line: Int?
    /// What is wrong.
    public let problem: String
    /// What to do about it.
    public let fix: String

    public init(file: String, line: Int?, problem: String, fix: String) {
        self.file = file
        self.line = line
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        let place = self.line.map { "\(self.file):\($0)" } ?? self.file
        return "\(place): \(self.problem). Fix: \(self.fix)"
    }
}

/// Errors from the store. Each says what happened and what to do.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The database file could not be opened or is not a Tact database.
        case cannotOpen
        /// Another actor changed the draft first (two reviewers, or the outbox): nothing was changed.
        case conflict
        /// The transition is not allowed from the draft's state.
        case invalidTransition
        case notFound
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

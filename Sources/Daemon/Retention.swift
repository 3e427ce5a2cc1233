import Foundation
import Store

/// Retention: the one call that purges old, finished records. `tact run --once` calls it after each
/// pass; the long-running service calls it once a day.
public enum Retention {
    /// Deletes messages recorded more than `days` days before `now`, with their drafts and audit
    /// rows, except those a person may still act on (`DraftState.keptByRetention`).
    @discardableResult
    public static func purge(_ store: any MessageStore, days: Int, now: Date) throws -> PurgeReport {
        precondition(days >= 1, "retention_days is validated to be at least 1")
        return try store.purge(recordedBefore: now.addingTimeInterval(-Double(days) * 86_400))
    }
}

import Foundation
import Store

/// Retention: the one call that purges old, finished records. `tact run --once` calls it after each
/// pass; the long-running service calls it once a day.
public enum Retention {
    /// Deletes messages recorded more than `days` days before `now`, with their drafts and audit
    /// rows, except those a person may still act on (`DraftState.keptByRetention`).
    @discardableResult
    public static func purge(_ store: any MessageStore, days: Int, now: Date) throws -> PurgeReport {
        // retention_days is validated to 1...3650; a smaller value never purges what is newer than a day.
        try store.purge(recordedBefore: now.addingTimeInterval(-Double(max(1, days)) * 86_400))
    }
}

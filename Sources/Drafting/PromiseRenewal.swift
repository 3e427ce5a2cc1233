import Foundation

/// A reply must never promise a time already past. When a draft is approved (or sent) after its
/// promised time, the promise is computed again from now, and the old time's wording in the body
/// is replaced by the new one.
public enum PromiseRenewal {
    /// The renewed body and promise, or nil when the old promise still lies ahead.
    public static func renew(
        body: String, promisedBy: Date?, hours: BusinessHours, target: ResponseTarget, arrival: Date, now: Date
    ) throws -> (body: String, promisedBy: Date)? {
        guard let old = promisedBy, old <= now else { return nil }
        let fresh = try Drafter.promise(hours: hours, target: target, arrival: arrival, now: now)
        let oldText = hours.format(old)
        let newText = hours.format(fresh)
        return (body.replacingOccurrences(of: oldText, with: newText), fresh)
    }
}

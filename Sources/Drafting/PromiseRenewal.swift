import Foundation

/// A reply must never promise a time already past. When a draft is approved (or sent) after its
/// promised time, the promise is computed again from now, and the old time's wording in the body
/// is replaced by the new one. When the body does not carry the old time in words Tact wrote (a
/// person rewrote the sentence, or the business hours' time zone changed since the draft was made),
/// nothing is replaced: the caller must put the draft in front of a person instead of sending a
/// promise nobody checked.
public enum PromiseRenewal {
    public enum Outcome: Sendable, Equatable {
        /// No promise, or it still lies ahead: nothing to change.
        case current
        /// The promise had passed: `body` now promises `promisedBy`.
        case renewed(body: String, promisedBy: Date)
        /// The promise (`old`, as Tact words it) had passed, and the body says neither it nor the
        /// new promise (`fresh`, for `promisedBy`) in words Tact can find.
        case notInText(old: String, fresh: String, promisedBy: Date)
    }

    /// Renews a past promise. Where the old promise's day ("Monday 23 November") stands in the
    /// body, it becomes the new day, and the old time ("13:00") after it on the same line becomes
    /// the new time; so `{{promised_by}}` and `{{promised_by_date}} at {{promised_by_time}}` are
    /// both renewed. A time alone, without its day, is not replaced: "13:00" may mean anything.
    public static func renew(
        body: String, promisedBy: Date?, hours: BusinessHours, target: ResponseTarget, arrival: Date, now: Date
    ) throws -> Outcome {
        guard let old = promisedBy, old <= now else { return .current }
        let fresh = try Drafter.promise(hours: hours, target: target, arrival: arrival, now: now)
        let zone = hours.timeZone
        let oldDay = DateText.dayAndMonth(old, in: zone)
        let oldTime = DateText.time(old, in: zone)
        let newDay = DateText.dayAndMonth(fresh, in: zone)
        let newTime = DateText.time(fresh, in: zone)
        if body.contains(oldDay) {
            var lines: [String] = []
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                var rest = Substring(line)
                var renewed = ""
                while let day = rest.range(of: oldDay) {
                    renewed += rest[..<day.lowerBound] + newDay
                    rest = rest[day.upperBound...]
                    // The time belonging to this day: the first one after it, before the next day.
                    // Another time there means the words are not Tact's (a time zone changed, or
                    // someone rewrote it): nothing is replaced then.
                    let nextDay = rest.range(of: oldDay)?.lowerBound ?? rest.endIndex
                    if let time = rest[..<nextDay].range(of: oldTime) {
                        if Self.hasTime(rest[..<time.lowerBound]) { return Self.notInText(old, fresh, hours) }
                        renewed += rest[..<time.lowerBound] + newTime
                        rest = rest[time.upperBound...]
                    } else if Self.hasTime(rest[..<nextDay]) {
                        return Self.notInText(old, fresh, hours)
                    }
                }
                lines.append(renewed + rest)
            }
            return .renewed(body: lines.joined(separator: "\n"), promisedBy: fresh)
        }
        // Someone already wrote the new promise in (as the refusal asks them to).
        if body.contains(newDay) { return .renewed(body: body, promisedBy: fresh) }
        return Self.notInText(old, fresh, hours)
    }

    private static func notInText(_ old: Date, _ fresh: Date, _ hours: BusinessHours) -> Outcome {
        .notInText(old: hours.format(old), fresh: hours.format(fresh), promisedBy: fresh)
    }

    /// Whether `text` holds a clock time such as "09:30".
    private static func hasTime(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 5 else { return false }
        func digit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        for start in 0...(bytes.count - 5)
        where digit(bytes[start]) && digit(bytes[start + 1]) && bytes[start + 2] == UInt8(ascii: ":")
            && digit(bytes[start + 3]) && digit(bytes[start + 4])
        {
            return true
        }
        return false
    }
}

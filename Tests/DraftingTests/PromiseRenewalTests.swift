import Foundation
import Testing

@testable import Drafting

@Suite struct PromiseRenewalTests {
    let hours = BusinessHours.weekdays9to5(timeZone: TimeZone(identifier: "Europe/London")!)
    let arrival = Date(timeIntervalSince1970: 1_795_424_400)  // Monday 23 November 2026, 09:00 London
    var promised: Date { try! hours.promise(for: arrival, target: .businessHours(4)) }  // Monday 13:00
    var wednesday: Date { arrival.addingTimeInterval(2 * 24 * 3600) }  // Wednesday 09:00

    func renew(_ body: String, hours: BusinessHours? = nil) throws -> PromiseRenewal.Outcome {
        try PromiseRenewal.renew(
            body: body, promisedBy: promised, hours: hours ?? self.hours, target: .businessHours(4), arrival: arrival,
            now: wednesday)
    }

    @Test func aPromiseStillAheadIsKept() throws {
        #expect(try PromiseRenewal.renew(
            body: "by \(hours.format(promised))", promisedBy: promised, hours: hours, target: .businessHours(4),
            arrival: arrival, now: arrival.addingTimeInterval(3600)) == .current)
        #expect(try PromiseRenewal.renew(
            body: "Thanks.", promisedBy: nil, hours: hours, target: .businessHours(4), arrival: arrival, now: wednesday)
            == .current)
    }

    @Test func aPastPromiseIsRenewedFromNowInTheBodyToo() throws {
        #expect(hours.format(promised) == "Monday 23 November, 13:00")
        let body = "Hi Jane,\n\nyou will hear from us by \(hours.format(promised)).\n"
        guard case .renewed(let renewed, let promisedBy) = try renew(body) else {
            Issue.record("not renewed")
            return
        }
        #expect(promisedBy > wednesday)
        #expect(hours.format(promisedBy) == "Wednesday 25 November, 13:00")
        #expect(renewed == "Hi Jane,\n\nyou will hear from us by Wednesday 25 November, 13:00.\n")
    }

    /// `{{promised_by_date}}` alone, and with `{{promised_by_time}}` after it, are renewed too.
    @Test func theDayAndTimeFormsAreRenewed() throws {
        #expect(try renew("We will call on Monday 23 November at 13:00.\nThanks.")
            == .renewed(body: "We will call on Wednesday 25 November at 13:00.\nThanks.", promisedBy: try wednesdayPromise()))
        #expect(try renew("Expect our answer on Monday 23 November.")
            == .renewed(body: "Expect our answer on Wednesday 25 November.", promisedBy: try wednesdayPromise()))
        // A 13:00 on another line is not the promise's.
        #expect(try renew("The shop opens at 13:00.\nExpect our answer on Monday 23 November.")
            == .renewed(body: "The shop opens at 13:00.\nExpect our answer on Wednesday 25 November.", promisedBy: try wednesdayPromise()))
    }

    func wednesdayPromise() throws -> Date { try Drafter.promise(hours: hours, target: .businessHours(4), arrival: arrival, now: wednesday) }

    /// Words Tact did not write: nothing is replaced, and the caller hears what the promise was and
    /// what it would be.
    @Test func aPromiseInOtherWordsIsNotGuessedAt() throws {
        let rewritten = "Hi Jane,\n\nwe will get back to you on the 23rd after lunch.\n"
        #expect(try renew(rewritten)
            == .notInText(old: "Monday 23 November, 13:00", fresh: "Wednesday 25 November, 13:00", promisedBy: try wednesdayPromise()))
        // Its day with another time after it (edited, or written in another zone).
        guard case .notInText = try renew("by Monday 23 November, 15:30.") else {
            Issue.record("a different time after the day was replaced")
            return
        }
    }

    /// The business hours moved to another zone since the draft was made: Monday 13:00 in London
    /// is Monday 08:00 in New York, and the text's "13:00" must not become New York's new time.
    @Test func aChangedTimeZoneIsNotRenewedBlindly() throws {
        let newYork = BusinessHours.weekdays9to5(timeZone: TimeZone(identifier: "America/New_York")!)
        guard case .notInText = try renew("by \(hours.format(promised)).", hours: newYork) else {
            Issue.record("renewed text written for another time zone")
            return
        }
    }

    /// After a person wrote the new promise in (as the refusal asks), approval goes through.
    @Test func aBodyThatAlreadyPromisesTheNewTimeIsAccepted() throws {
        let body = "by Wednesday 25 November, 13:00."
        #expect(try renew(body) == .renewed(body: body, promisedBy: try wednesdayPromise()))
    }
}

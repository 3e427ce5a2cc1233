import Foundation
import Testing

@testable import Drafting

@Suite struct PromiseRenewalTests {
    let hours = BusinessHours.weekdays9to5(timeZone: TimeZone(identifier: "Europe/London")!)
    let arrival = Date(timeIntervalSince1970: 1_795_424_400)  // Monday 23 November 2026, 09:00 London

    @Test func aPromiseStillAheadIsKept() throws {
        let promised = try hours.promise(for: arrival, target: .businessHours(4))
        #expect(try PromiseRenewal.renew(
            body: "by \(hours.format(promised))", promisedBy: promised, hours: hours, target: .businessHours(4),
            arrival: arrival, now: arrival.addingTimeInterval(3600)) == nil)
    }

    @Test func aPastPromiseIsRenewedFromNowInTheBodyToo() throws {
        let promised = try hours.promise(for: arrival, target: .businessHours(4))  // Monday 13:00
        let body = "Hi Jane,\n\nyou will hear from us by \(hours.format(promised)).\n"
        let now = arrival.addingTimeInterval(2 * 24 * 3600)  // Wednesday 09:00
        let renewed = try #require(try PromiseRenewal.renew(
            body: body, promisedBy: promised, hours: hours, target: .businessHours(4), arrival: arrival, now: now))
        #expect(renewed.promisedBy > now)
        #expect(hours.format(renewed.promisedBy) == "Wednesday 25 November, 13:00")
        #expect(renewed.body == "Hi Jane,\n\nyou will hear from us by Wednesday 25 November, 13:00.\n")
    }
}

import Foundation
import TactTestSupport
import Testing

@testable import Drafting

/// `DateText` replaced per-call `DateFormatter`s: it must write exactly what they wrote.
@Suite struct DateTextTests {
    func formatted(_ date: Date, _ pattern: String, _ zone: TimeZone, locale: String = "en_GB_POSIX") -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: locale)
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    @Test func matchesDateFormatterAcrossZonesAndDaylightSaving() {
        let zones = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]
            .compactMap(TimeZone.init(identifier:))
        #expect(zones.count == 6)
        // Every 7 h 13 min over two years: all weekdays, months, hours and both sides of DST changes.
        var checked = 0
        for step in stride(from: 0, to: 2 * 365 * 24 * 3600, by: 7 * 3600 + 13 * 60 + 7) {
            let date = Date(timeIntervalSince1970: 1_767_225_600 + Double(step))
            for zone in zones {
                #expect(DateText.dayAndMonth(date, in: zone) == formatted(date, "EEEE d MMMM", zone))
                #expect(DateText.time(date, in: zone) == formatted(date, "HH:mm", zone))
                #expect(DateText.dayMonthAndTime(date, in: zone) == formatted(date, "EEEE d MMMM, HH:mm", zone))
            }
            #expect(DateText.rfc5322(date)
                == formatted(date, "EEE, dd MMM yyyy HH:mm:ss '+0000'", TimeZone(identifier: "UTC")!, locale: "en_US_POSIX"))
            checked += 1
        }
        #expect(checked > 2000)
    }

    /// The Date header's fields are computed by arithmetic: the same text as the formatter over
    /// centuries (leap years, 1900 and 2100 that are not, 2000 that is), on whole and fractional
    /// seconds, before 1970 as well as after.
    @Test func theDateHeaderMatchesDateFormatterOverCenturies() {
        let utc = TimeZone(identifier: "UTC")!
        var random = SplitMix64(seed: 0x5EED)
        var dates: [Double] = [0, -1, -0.5, 86_399.999, 951_782_400, 951_868_800, 4_107_542_400, 4_107_456_000, -2_203_891_200,
            -12_212_553_600, 253_402_300_799, 1_795_511_103.75]
        for _ in 0..<4_000 {
            // Whole seconds from 1589 to 9999, and a fraction.
            dates.append(Double(Int64.random(in: -12_000_000_000..<253_000_000_000, using: &random))
                + Double(Int.random(in: 0..<1000, using: &random)) / 1000)
        }
        for seconds in dates {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(DateText.rfc5322(date) == formatted(date, "EEE, dd MMM yyyy HH:mm:ss '+0000'", utc, locale: "en_US_POSIX"),
                "\(seconds)")
        }
    }

    @Test func knownValues() {
        // Tuesday 24 November 2026, 09:05:03 UTC.
        let date = Date(timeIntervalSince1970: 1_795_511_103)
        #expect(DateText.rfc5322(date) == "Tue, 24 Nov 2026 09:05:03 +0000")
        #expect(DateText.dayMonthAndTime(date, in: TimeZone(identifier: "Europe/Berlin")!) == "Tuesday 24 November, 10:05")
    }
}

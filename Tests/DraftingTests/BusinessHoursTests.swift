import Foundation
import Testing

@testable import Drafting

@Suite struct BusinessHoursTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// An instant given as wall-clock time in `zone`.
    func at(_ text: String, _ zone: TimeZone) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    @Test func arrivalDuringHoursCountsFromArrival() throws {
        let hours = BusinessHours.weekdays9to5(timeZone: berlin)
        // Monday 23 November 2026, 10:00 + 4 business hours = 14:00 the same day.
        let due = try hours.promise(for: at("2026-11-23 10:00", berlin), target: .businessHours(4))
        #expect(due == at("2026-11-23 14:00", berlin))
        #expect(hours.format(due) == "Monday 23 November, 14:00")
    }

    @Test func remainderCarriesIntoTheNextBusinessDay() throws {
        let hours = BusinessHours.weekdays9to5(timeZone: berlin)
        // Tuesday 15:00: two hours left today, two more on Wednesday from 09:00.
        let due = try hours.promise(for: at("2026-11-24 15:00", berlin), target: .businessHours(4))
        #expect(due == at("2026-11-25 11:00", berlin))
    }

    @Test func afterHoursArrivalStartsAtNextOpening() throws {
        let hours = BusinessHours.weekdays9to5(timeZone: berlin)
        let due = try hours.promise(for: at("2026-11-23 21:30", berlin), target: .businessHours(4))
        #expect(due == at("2026-11-24 13:00", berlin))
        let early = try hours.promise(for: at("2026-11-24 06:00", berlin), target: .businessHours(1))
        #expect(early == at("2026-11-24 10:00", berlin))
    }

    @Test func weekendIsSkipped() throws {
        let hours = BusinessHours.weekdays9to5(timeZone: berlin)
        // Friday 16:00: one hour Friday, three on Monday.
        let due = try hours.promise(for: at("2026-11-27 16:00", berlin), target: .businessHours(4))
        #expect(due == at("2026-11-30 12:00", berlin))
        let saturday = try hours.promise(for: at("2026-11-28 11:00", berlin), target: .businessHours(2))
        #expect(saturday == at("2026-11-30 11:00", berlin))
    }

    @Test func holidaysAreSkipped() throws {
        let hours = BusinessHours.weekdays9to5(
            timeZone: berlin,
            holidays: [LocalDate(year: 2026, month: 12, day: 24), LocalDate(year: 2026, month: 12, day: 25)])
        // Wednesday 23 December 16:00: one hour that day; Thursday and Friday are holidays; Monday 28th.
        let due = try hours.promise(for: at("2026-12-23 16:00", berlin), target: .businessHours(4))
        #expect(due == at("2026-12-28 12:00", berlin))
    }

    @Test func businessDaysKeepTheTimeOfDay() throws {
        let hours = BusinessHours.weekdays9to5(timeZone: berlin)
        let due = try hours.promise(for: at("2026-11-27 10:30", berlin), target: .businessDays(1))
        #expect(due == at("2026-11-30 10:30", berlin))
        // After hours on Friday: the clock starts Monday 09:00, one business day later is Tuesday 09:00.
        let late = try hours.promise(for: at("2026-11-27 20:00", berlin), target: .businessDays(1))
        #expect(late == at("2026-12-01 09:00", berlin))
    }

    @Test func dstEndDoesNotShiftThePromise() throws {
        // Clocks go back on Sunday 25 October 2026 in Berlin. Friday 23 October 16:00 CEST plus four
        // business hours is Monday 26 October 12:00 CET: one hour on Friday, three on Monday.
        let hours = BusinessHours.weekdays9to5(timeZone: berlin)
        let due = try hours.promise(for: at("2026-10-23 16:00", berlin), target: .businessHours(4))
        #expect(due == at("2026-10-26 12:00", berlin))
        // Independently: 2026-10-26 11:00 UTC (12:00 CET), computed with Python's datetime.
        #expect(due.timeIntervalSince1970 == 1_793_012_400)
    }

    @Test func roundTheClockScheduleCountsRealHoursAcrossDST() throws {
        let allDay = try OpeningHours(opens: LocalTime(hour: 0, minute: 0), closes: LocalTime(hour: 24, minute: 0))
        let hours = try BusinessHours(
            timeZone: berlin, week: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, allDay) }), roundingMinutes: 1)
        // 25 October has 25 hours: four business hours from 01:30 CEST are four real hours.
        let arrival = at("2026-10-25 01:30", berlin)
        let due = try hours.promise(for: arrival, target: .businessHours(4))
        #expect(due.timeIntervalSince(arrival) == 4 * 3600)
        // Spring forward on 29 March 2026: the day has 23 hours; still four real hours.
        let spring = at("2026-03-29 00:30", berlin)
        #expect(try hours.promise(for: spring, target: .businessHours(4)).timeIntervalSince(spring) == 4 * 3600)
    }

    @Test func promisesRoundUpToTheQuarterHour() throws {
        let hours = BusinessHours.weekdays9to5(timeZone: berlin)
        let due = try hours.promise(for: at("2026-11-23 10:07", berlin), target: .businessHours(1))
        #expect(due == at("2026-11-23 11:15", berlin))
    }

    @Test func aWeekOfHolidaysOnlyStillFindsNoDayAndSaysSo() throws {
        let hours = try BusinessHours(
            timeZone: berlin,
            week: [2: OpeningHours(opens: LocalTime(parsing: "09:00"), closes: LocalTime(parsing: "17:00"))],
            holidays: Set((0..<400).compactMap { offset -> LocalDate? in
                let day = Calendar(identifier: .gregorian).date(byAdding: .day, value: offset, to: at("2026-11-23 00:00", berlin))!
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = berlin
                let parts = calendar.dateComponents([.year, .month, .day], from: day)
                return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
            }))
        #expect(throws: BusinessHoursError.self) {
            try hours.promise(for: at("2026-11-23 10:00", berlin), target: .businessHours(1))
        }
    }

    /// Day numbers are turned into dates by arithmetic, not the calendar: every day from 1900 to
    /// 2200 must be the calendar's date and weekday.
    @Test func dayNumbersAreTheCalendarsDatesAndWeekdays() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for day in stride(from: -25_567, through: 84_000, by: 1) {
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(day) * 86_400))
            let civil = BusinessHours.civilDate(day)
            guard civil.year == parts.year, civil.month == parts.month, civil.day == parts.day,
                BusinessHours.weekday(day) == parts.weekday
            else {
                Issue.record("day \(day): \(civil) but the calendar says \(parts)")
                return
            }
        }
    }

    /// Each day's opening hours are kept once computed: asking again (the daemon asks for every
    /// message) gives the same promise, around a DST change, in zones east and west of UTC, and
    /// when a copy of the schedule is asked.
    @Test func keptDaysGiveTheSamePromisesAsFreshOnes() throws {
        for name in ["Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Auckland"] {
            let zone = TimeZone(identifier: name)!
            let shared = BusinessHours.weekdays9to5(timeZone: zone)
            let copy = shared
            // Every 97 minutes over six weeks around the end of European summer time.
            var arrival = at("2026-10-10 00:00", zone)
            while arrival < at("2026-11-20 00:00", zone) {
                for target in [ResponseTarget.businessHours(4), .businessMinutes(30), .businessDays(2)] {
                    let fresh = try BusinessHours.weekdays9to5(timeZone: zone).promise(for: arrival, target: target)
                    #expect(try shared.promise(for: arrival, target: target) == fresh, "\(name) \(arrival) \(target)")
                    #expect(try copy.promise(for: arrival, target: target) == fresh)
                }
                arrival = arrival.addingTimeInterval(97 * 60)
            }
        }
    }

    @Test func aPromiseIsMadeOnTheTeamsLocalDayWestOfUTC() throws {
        let angeles = TimeZone(identifier: "America/Los_Angeles")!
        let hours = BusinessHours.weekdays9to5(timeZone: angeles)
        // Friday 27 November 2026, 16:30 in Los Angeles is already Saturday in UTC: half an hour
        // that day, the rest on Monday.
        let due = try hours.promise(for: at("2026-11-27 16:30", angeles), target: .businessHours(2))
        #expect(due == at("2026-11-30 10:30", angeles))
        // Two business days from Friday 16:30: Tuesday at the same time of day.
        let days = try hours.promise(for: at("2026-11-27 16:30", angeles), target: .businessDays(2))
        #expect(days == at("2026-12-01 16:30", angeles))
    }

    @Test func badTimesAndDatesAreRejectedWithTheFix() {
        #expect(throws: BusinessHoursError.self) { try LocalTime(parsing: "9am") }
        #expect(throws: BusinessHoursError.self) { try LocalTime(parsing: "25:00") }
        #expect(throws: BusinessHoursError.self) { try LocalTime(parsing: "24:30") }
        #expect(throws: BusinessHoursError.self) { try LocalDate(parsing: "2026-13-01") }
        #expect(throws: BusinessHoursError.self) {
            try OpeningHours(opens: LocalTime(parsing: "17:00"), closes: LocalTime(parsing: "09:00"))
        }
        do {
            _ = try LocalTime(parsing: "nine")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("HH:MM"))
        }
    }
}

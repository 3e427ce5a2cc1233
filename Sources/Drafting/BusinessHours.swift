import Foundation
import Synchronization

/// A wall-clock time of day, "09:00". `24:00` is allowed as a closing time (end of the day).
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init(hour: Int, minute: Int) throws(BusinessHoursError) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0 else {
            throw BusinessHoursError("\(hour):\(minute) is not a time of day: use HH:MM between 00:00 and 24:00")
        }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (24-hour clock).
    public init(parsing text: String) throws(BusinessHoursError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else {
            throw BusinessHoursError("\"\(text)\" is not a time of day: write it as HH:MM, e.g. \"09:00\" or \"17:30\"")
        }
        try self.init(hour: hour, minute: minute)
    }

    var minutesSinceMidnight: Int { self.hour * 60 + self.minute }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool {
        lhs.minutesSinceMidnight < rhs.minutesSinceMidnight
    }

    public var description: String { String(format: "%02d:%02d", self.hour, self.minute) }
}

/// A calendar date without a time or zone, "2026-12-25": holidays are days, wherever the clock is.
public struct LocalDate: Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init(parsing text: String) throws(BusinessHoursError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else {
            throw BusinessHoursError("\"\(text)\" is not a date: write it as YYYY-MM-DD, e.g. \"2026-12-25\"")
        }
        self.init(year: year, month: month, day: day)
    }

    public var description: String { String(format: "%04d-%02d-%02d", self.year, self.month, self.day) }
}

/// The opening hours of one weekday.
public struct OpeningHours: Hashable, Sendable {
    public let opens: LocalTime
    public let closes: LocalTime

    public init(opens: LocalTime, closes: LocalTime) throws(BusinessHoursError) {
        guard opens < closes else {
            throw BusinessHoursError("opening hours \(opens)–\(closes) close before they open: the closing time must be later")
        }
        self.opens = opens
        self.closes = closes
    }
}

/// How long the customer may wait for a person's answer, counted in business time.
public enum ResponseTarget: Hashable, Sendable, CustomStringConvertible {
    /// Business minutes (the configuration speaks in hours; minutes keep half hours exact).
    case businessMinutes(Int)
    /// The same time of day this many business days later (clamped into that day's opening hours).
    case businessDays(Int)

    public static func businessHours(_ hours: Int) -> ResponseTarget { .businessMinutes(hours * 60) }

    public var description: String {
        switch self {
        case .businessMinutes(let minutes) where minutes % 60 == 0: return "\(minutes / 60) business hours"
        case .businessMinutes(let minutes): return "\(minutes) business minutes"
        case .businessDays(let days): return "\(days) business days"
        }
    }
}

public struct BusinessHoursError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The team's week: opening hours per weekday, holidays, and the time zone they are in.
/// Computes `promised_by`: the moment by which a person will have answered, so the promise in an
/// acknowledgement is always one the team can keep.
///
/// Business time is counted in real elapsed seconds between each day's opening and closing
/// instants, which the calendar computes in the team's zone: a day on which clocks change has
/// its true length, and a promise never moves by an hour across a DST switch.
public struct BusinessHours: Sendable {
    public let timeZone: TimeZone
    /// Keyed by `Calendar` weekday numbers: 1 is Sunday, 2 Monday … 7 Saturday. Missing days are closed.
    public let week: [Int: OpeningHours]
    public let holidays: Set<LocalDate>
    /// Promises are rounded up to this many minutes, so they read "by 10:15", not "by 10:07".
    public let roundingMinutes: Int
    /// Each local day's opening and closing instants, once computed (shared by copies).
    private let dayTable = DayTable()

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = self.timeZone
        return calendar
    }

    public init(
        timeZone: TimeZone, week: [Int: OpeningHours], holidays: Set<LocalDate> = [], roundingMinutes: Int = 15
    ) throws(BusinessHoursError) {
        guard !week.isEmpty else {
            throw BusinessHoursError("no opening hours are configured: give at least one weekday its hours")
        }
        guard week.keys.allSatisfy({ (1...7).contains($0) }) else {
            throw BusinessHoursError("weekdays are numbered 1 (Sunday) to 7 (Saturday)")
        }
        guard (1...60).contains(roundingMinutes), 60 % roundingMinutes == 0 else {
            throw BusinessHoursError("rounding of \(roundingMinutes) minutes does not divide an hour: use 1, 5, 10, 15, 30 or 60")
        }
        self.timeZone = timeZone
        self.week = week
        self.holidays = holidays
        self.roundingMinutes = roundingMinutes
    }

    /// Monday to Friday, 09:00–17:00, in `timeZone`.
    public static func weekdays9to5(timeZone: TimeZone, holidays: Set<LocalDate> = []) -> BusinessHours {
        // Literal, valid values: these initialisers cannot throw here.
        let hours = try! OpeningHours(opens: LocalTime(hour: 9, minute: 0), closes: LocalTime(hour: 17, minute: 0))
        return try! BusinessHours(
            timeZone: timeZone, week: [2: hours, 3: hours, 4: hours, 5: hours, 6: hours], holidays: holidays)
    }

    /// The moment by which the team answers a mail that arrived at `arrival`, given `target`.
    /// - Throws: when no business day falls within the next 400 days (every day a holiday).
    public func promise(for arrival: Date, target: ResponseTarget) throws(BusinessHoursError) -> Date {
        let due: Date
        switch target {
        case .businessMinutes(let minutes):
            due = try self.addingBusinessTime(TimeInterval(max(0, minutes) * 60), to: arrival)
        case .businessDays(let days):
            due = try self.addingBusinessDays(max(0, days), to: arrival)
        }
        return self.roundedUp(due)
    }

    /// The team's local day of `date`: days since 1970-01-01 in its zone.
    private func dayNumber(of date: Date) -> Int {
        Int(((date.timeIntervalSince1970 + Double(self.timeZone.secondsFromGMT(for: date))) / 86_400).rounded(.down))
    }

    /// The opening and closing instants of local day `day` (days since 1970-01-01), or nil when
    /// the team does not work that day. Asked for every day a promise spans, of every message:
    /// each day's answer is computed by the calendar once and then kept.
    func openInterval(day: Int) -> (opens: Date, closes: Date)? {
        if let known = self.dayTable.intervals.withLock({ $0[day] }) { return known.interval }
        let (year, month, dayOfMonth) = Self.civilDate(day)
        let weekday = Self.weekday(day)
        var interval: (opens: Date, closes: Date)?
        if let hours = self.week[weekday], !self.holidays.contains(LocalDate(year: year, month: month, day: dayOfMonth)) {
            let calendar = self.calendar
            if let opens = self.instant(year: year, month: month, day: dayOfMonth, time: hours.opens, calendar: calendar),
                let closes = self.instant(year: year, month: month, day: dayOfMonth, time: hours.closes, calendar: calendar)
            {
                interval = (opens, closes)
            }
        }
        self.dayTable.intervals.withLock { table in
            // Bounded: a long-running daemon moves on through the days; old ones are dropped.
            if table.count >= 4_096 { table.removeAll(keepingCapacity: true) }
            table[day] = DayTable.Entry(interval: interval)
        }
        return interval
    }

    /// The calendar's weekday number (1 Sunday … 7 Saturday) of a day number; 1970-01-01 was a
    /// Thursday.
    static func weekday(_ day: Int) -> Int { ((day % 7 + 7 + 4) % 7) + 1 }

    /// Year, month and day of a day number (days since 1970-01-01, proleptic Gregorian).
    static func civilDate(_ day: Int) -> (year: Int, month: Int, day: Int) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfMonth)
    }

    private func instant(year: Int, month: Int, day: Int, time: LocalTime, calendar: Calendar) -> Date? {
        if time.hour == 24 {
            // End of the day: the next day's midnight, which the calendar places correctly on DST days.
            guard let midnight = calendar.date(from: DateComponents(year: year, month: month, day: day)) else {
                return nil
            }
            return calendar.date(byAdding: .day, value: 1, to: midnight)
        }
        return calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: time.hour, minute: time.minute))
    }

    private func addingBusinessTime(_ seconds: TimeInterval, to arrival: Date) throws(BusinessHoursError) -> Date {
        var remaining = seconds
        let first = self.dayNumber(of: arrival)
        for day in first..<first + 400 {
            guard let (opens, closes) = self.openInterval(day: day) else { continue }
            let start = max(opens, arrival)
            guard start < closes else { continue }
            let available = closes.timeIntervalSince(start)
            if remaining <= available { return start.addingTimeInterval(remaining) }
            remaining -= available
        }
        throw BusinessHoursError("no business day in the next 400 days: check the opening hours and holidays")
    }

    private func addingBusinessDays(_ count: Int, to arrival: Date) throws(BusinessHoursError) -> Date {
        // Start the clock at the first business moment at or after arrival.
        let start = try self.addingBusinessTime(0, to: arrival)
        guard count > 0 else { return start }
        let first = self.dayNumber(of: start)
        // The wall-clock time of `start`, in seconds since its local midnight.
        let timeOfDay = Int(
            (start.timeIntervalSince1970 + Double(self.timeZone.secondsFromGMT(for: start)) - Double(first) * 86_400)
                .rounded(.down))
        var remaining = count
        for day in first + 1..<first + 400 {
            guard let (opens, closes) = self.openInterval(day: day) else { continue }
            remaining -= 1
            guard remaining == 0 else { continue }
            let (year, month, dayOfMonth) = Self.civilDate(day)
            let sameTime = self.calendar.date(
                from: DateComponents(
                    year: year, month: month, day: dayOfMonth, hour: timeOfDay / 3_600, minute: timeOfDay % 3_600 / 60,
                    second: timeOfDay % 60)) ?? opens
            return min(max(sameTime, opens), closes)
        }
        throw BusinessHoursError("no business day in the next 400 days: check the opening hours and holidays")
    }

    /// Rounds up to the next multiple of `roundingMinutes`. Zone offsets are whole quarter hours
    /// almost everywhere, so rounding the absolute time rounds the local wall clock too.
    private func roundedUp(_ date: Date) -> Date {
        let step = TimeInterval(self.roundingMinutes * 60)
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 / step).rounded(.up) * step)
    }

    /// "Tuesday 24 November, 10:00" in the team's zone: the form a promise takes in a reply.
    public func format(_ date: Date) -> String { DateText.dayMonthAndTime(date, in: self.timeZone) }
}

/// The opening and closing instants of each local day a `BusinessHours` was asked about.
final class DayTable: Sendable {
    struct Entry {
        /// nil: the team does not work that day.
        let interval: (opens: Date, closes: Date)?
    }
    let intervals = Mutex<[Int: Entry]>([:])
}

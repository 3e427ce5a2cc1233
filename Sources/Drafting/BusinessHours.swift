import Foundation

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

    /// The opening and closing instants of the business day that contains `date`'s calendar day,
    /// or nil when the team does not work that day.
    func openInterval(onDayOf date: Date) -> (opens: Date, closes: Date)? {
        let calendar = self.calendar
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day, let weekday = parts.weekday,
            let hours = self.week[weekday],
            !self.holidays.contains(LocalDate(year: year, month: month, day: day))
        else { return nil }
        guard let opens = self.instant(year: year, month: month, day: day, time: hours.opens, calendar: calendar),
            let closes = self.instant(year: year, month: month, day: day, time: hours.closes, calendar: calendar)
        else { return nil }
        return (opens, closes)
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

    /// Each calendar day from `date`'s day on, at most 400 of them.
    private func days(from date: Date) -> some Sequence<Date> {
        let calendar = self.calendar
        let start = calendar.startOfDay(for: date)
        return (0..<400).lazy.compactMap { calendar.date(byAdding: .day, value: $0, to: start) }
    }

    private func addingBusinessTime(_ seconds: TimeInterval, to arrival: Date) throws(BusinessHoursError) -> Date {
        var remaining = seconds
        for day in self.days(from: arrival) {
            guard let (opens, closes) = self.openInterval(onDayOf: day) else { continue }
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
        let calendar = self.calendar
        let timeOfDay = calendar.dateComponents([.hour, .minute, .second], from: start)
        var remaining = count
        for day in self.days(from: start).dropFirst() {
            guard let (opens, closes) = self.openInterval(onDayOf: day) else { continue }
            remaining -= 1
            guard remaining == 0 else { continue }
            let sameTime = calendar.date(
                bySettingHour: timeOfDay.hour ?? 0, minute: timeOfDay.minute ?? 0, second: timeOfDay.second ?? 0,
                of: day) ?? opens
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

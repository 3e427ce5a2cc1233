import Foundation

/// English date text for replies, built from calendar fields. The same output as a `DateFormatter`
/// with the en_GB_POSIX / en_US_POSIX patterns it replaces, without creating an ICU formatter per
/// call (that was half of the drafting time).
enum DateText {
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    private static func fields(_ date: Date, _ zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
    }

    private static func two(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : String(value)
    }

    /// A moment's calendar fields in a zone, looked up once for any of the forms below.
    struct Parts {
        let fields: DateComponents

        init(_ date: Date, in zone: TimeZone) { self.fields = DateText.fields(date, zone) }

        /// "EEEE d MMMM": "Tuesday 24 November".
        var dayAndMonth: String {
            "\(DateText.weekdays[(self.fields.weekday ?? 1) - 1]) \(self.fields.day ?? 1) \(DateText.months[(self.fields.month ?? 1) - 1])"
        }

        /// "HH:mm": "09:30".
        var time: String { "\(DateText.two(self.fields.hour)):\(DateText.two(self.fields.minute))" }

        /// "EEEE d MMMM, HH:mm": "Tuesday 24 November, 09:30".
        var dayMonthAndTime: String { "\(self.dayAndMonth), \(self.time)" }
    }

    /// "EEEE d MMMM": "Tuesday 24 November".
    static func dayAndMonth(_ date: Date, in zone: TimeZone) -> String { Parts(date, in: zone).dayAndMonth }

    /// "HH:mm": "09:30".
    static func time(_ date: Date, in zone: TimeZone) -> String { Parts(date, in: zone).time }

    /// "EEEE d MMMM, HH:mm": "Tuesday 24 November, 09:30".
    static func dayMonthAndTime(_ date: Date, in zone: TimeZone) -> String { Parts(date, in: zone).dayMonthAndTime }

    /// RFC 5322 in UTC, "EEE, dd MMM yyyy HH:mm:ss '+0000'": "Tue, 03 Nov 2026 09:30:00 +0000".
    static func rfc5322(_ date: Date) -> String {
        // Every reply's Date header: UTC fields by arithmetic on the day count (the proleptic
        // Gregorian calendar), not a time zone looked up and a Calendar asked (~6 k instructions).
        // Outside the Gregorian years 1583–9999, the Calendar path below.
        let seconds = date.timeIntervalSince1970.rounded(.down)
        if seconds >= -12_212_553_600, seconds < 253_402_300_800 {
            let whole = Int(seconds)
            let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
            let time = whole - days * 86_400
            let (year, month, day) = BusinessHours.civilDate(days)
            return "\(Self.weekdays[BusinessHours.weekday(days) - 1].prefix(3)), \(Self.two(day)) \(Self.months[month - 1].prefix(3)) \(year) "
                + "\(Self.two(time / 3600)):\(Self.two(time / 60 % 60)):\(Self.two(time % 60)) +0000"
        }
        let parts = Self.fields(date, TimeZone(identifier: "UTC") ?? .gmt)
        return "\(Self.weekdays[(parts.weekday ?? 1) - 1].prefix(3)), \(Self.two(parts.day)) "
            + "\(Self.months[(parts.month ?? 1) - 1].prefix(3)) \(parts.year ?? 1970) "
            + "\(Self.two(parts.hour)):\(Self.two(parts.minute)):\(Self.two(parts.second)) +0000"
    }
}

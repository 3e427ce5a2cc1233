import Drafting
import Foundation

/// `[drafting]`: where templates and rules are, the team's week, and how fast each category is answered.
public struct DraftingConfiguration: Sendable, Equatable {
    /// The reply templates folder.
    public var templatesDirectory: String
    /// A courtesy rule pack; nil uses `courtesy.toml` beside the configuration, else the built-in pack.
    public var rulesFile: String?
    /// The customer directory CSV, if any.
    public var customersFile: String?
    /// The team's IANA time zone.
    public var timeZone: String
    /// Opening hours by `Calendar` weekday (1 = Sunday … 7 = Saturday); missing days are closed.
    public var week: [Int: OpeningHours]
    public var holidays: Set<LocalDate>
    /// Response target per category; categories not listed use `DraftingSettings.defaultTargets`.
    public var targets: [String: ResponseTarget]

    public init(
        templatesDirectory: String = "templates", rulesFile: String? = nil, customersFile: String? = nil,
        timeZone: String = "UTC", week: [Int: OpeningHours] = DraftingConfiguration.standardWeek,
        holidays: Set<LocalDate> = [], targets: [String: ResponseTarget] = DraftingSettings.defaultTargets
    ) {
        self.templatesDirectory = templatesDirectory
        self.rulesFile = rulesFile
        self.customersFile = customersFile
        self.timeZone = timeZone
        self.week = week
        self.holidays = holidays
        self.targets = targets
    }

    /// Monday to Friday, 09:00–17:00.
    public static let standardWeek: [Int: OpeningHours] = {
        // Literal, valid values: these cannot throw.
        let hours = try! OpeningHours(opens: LocalTime(hour: 9, minute: 0), closes: LocalTime(hour: 17, minute: 0))
        return [2: hours, 3: hours, 4: hours, 5: hours, 6: hours]
    }()

    /// The business hours these settings describe (validated when the configuration was read).
    public var businessHours: BusinessHours {
        // Validated by the parser: the zone exists and the week has at least one open day.
        try! BusinessHours(timeZone: TimeZone(identifier: self.timeZone)!, week: self.week, holidays: self.holidays)
    }
}

/// `[daemon]`: the service's state and limits.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Where the database lives (systemd's StateDirectory=).
    public var stateDirectory: String
    /// At most one acknowledgement per sender within this many hours.
    public var senderWindowHours: Int
    /// At most this many acknowledgements per mailbox per hour.
    public var hourlyCap: Int
    /// How often to check mailboxes whose server has no IDLE (or when `use_idle` is off).
    public var pollIntervalSeconds: Int
    /// Wait for mail with IDLE where the server offers it (default); off: poll every interval.
    public var useIdle = true
    /// Processed mail and finished drafts older than this many days are purged from the store.
    public var retentionDays: Int

    public init(
        stateDirectory: String = "/var/lib/tact", senderWindowHours: Int = 24, hourlyCap: Int = 200,
        pollIntervalSeconds: Int = 60, retentionDays: Int = DaemonConfiguration.defaultRetentionDays
    ) {
        self.stateDirectory = stateDirectory
        self.senderWindowHours = senderWindowHours
        self.hourlyCap = hourlyCap
        self.pollIntervalSeconds = pollIntervalSeconds
        self.retentionDays = retentionDays
    }

    /// 90 days, the default `retention_days`.
    public static let defaultRetentionDays = 90

    /// The database file.
    public var storePath: String { (self.stateDirectory as NSString).appendingPathComponent("tact.sqlite") }
}

extension ConfigurationParser {
    static let draftingKeys = [
        "templates_dir", "rules_file", "customers_file", "time_zone", "business_hours", "holidays", "response_targets",
    ]
    static let daemonKeys = [
        "state_dir", "sender_window_hours", "hourly_cap", "poll_interval_seconds", "use_idle", "retention_days",
    ]
    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// The configuration file's folder: relative paths in the file are relative to it.
    var configurationDirectory: String {
        // By hand: Foundation's deletingLastPathComponent traps on some inputs (an empty string), and
        // FileManager.currentDirectoryPath traps when the working folder has been removed.
        guard let slash = self.root.source.lastIndex(of: "/") else { return "." }
        let directory = String(self.root.source[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (self.configurationDirectory as NSString).appendingPathComponent(path)
    }

    func drafting() throws(ConfigurationError) -> DraftingConfiguration {
        var result = DraftingConfiguration()
        // Without templates_dir: templates/ beside the configuration (an installed /etc/tact), else
        // beside its folder (a checkout's config/ and templates/).
        let candidates = ["templates", "../templates"].map(self.resolve)
        result.templatesDirectory = candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
        let besideRules = self.resolve("courtesy.toml")
        result.rulesFile = FileManager.default.fileExists(atPath: besideRules) ? besideRules : nil
        guard let reader = try self.root.subtable("drafting") else { return result }
        try reader.rejectUnknownKeys(allowed: Self.draftingKeys, secretAdvice: Self.secretAdvice)
        if let path = try reader.string("templates_dir") { result.templatesDirectory = self.resolve(path) }
        if let path = try reader.string("rules_file") { result.rulesFile = self.resolve(path) }
        if let path = try reader.string("customers_file") { result.customersFile = self.resolve(path) }
        if let zone = try reader.string("time_zone") {
            guard TimeZone(identifier: zone) != nil else {
                throw reader.error(
                    .invalidValue, "time_zone", "\"\(zone)\" is not a time zone",
                    fix: "use an IANA name such as \"Europe/Berlin\" or \"America/New_York\"")
            }
            result.timeZone = zone
        }
        if let hours = try reader.subtable("business_hours") {
            try hours.rejectUnknownKeys(allowed: Self.weekdays, secretAdvice: Self.secretAdvice)
            var week: [Int: OpeningHours] = [:]
            for (index, day) in Self.weekdays.enumerated() {
                guard let text = try hours.string(day), text.lowercased() != "closed" else { continue }
                let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
                do {
                    guard parts.count == 2 else { throw BusinessHoursError("expected two times") }
                    week[index + 1] = try OpeningHours(opens: LocalTime(parsing: parts[0]), closes: LocalTime(parsing: parts[1]))
                } catch {
                    throw hours.error(
                        .invalidValue, day, "\"\(text)\" is not opening hours (\(error))",
                        fix: "write \"09:00-17:00\", or \"closed\"")
                }
            }
            guard !week.isEmpty else {
                throw hours.error(.invalidValue, nil, "every day is closed", fix: "give at least one day its opening hours")
            }
            result.week = week
        }
        if let holidays = try reader.stringArray("holidays") {
            var dates: Set<LocalDate> = []
            for (index, text) in holidays.enumerated() {
                do {
                    dates.insert(try LocalDate(parsing: text))
                } catch {
                    throw reader.error(.invalidValue, "holidays[\(index + 1)]", "\(error)", fix: "write dates as \"2026-12-25\"")
                }
            }
            result.holidays = dates
        }
        if let targets = try reader.subtable("response_targets") {
            for key in targets.table.keys.sorted() {
                guard let text = try targets.string(key) else { continue }
                guard let target = Self.responseTarget(text) else {
                    throw targets.error(
                        .invalidValue, key, "\"\(text)\" is not a response time",
                        fix: "write business hours as \"4h\", business days as \"1d\", or minutes as \"90m\"")
                }
                result.targets[key] = target
            }
        }
        return result
    }

    /// "4h" (business hours), "1d" (business days), "90m" (business minutes).
    static func responseTarget(_ text: String) -> ResponseTarget? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let amount = Int(trimmed.dropLast()), amount > 0, amount <= 10_000 else { return nil }
        switch unit {
        case "h": return .businessHours(amount)
        case "d": return .businessDays(amount)
        case "m": return .businessMinutes(amount)
        default: return nil
        }
    }

    func daemon() throws(ConfigurationError) -> DaemonConfiguration {
        var result = DaemonConfiguration()
        if let state = self.environment["STATE_DIRECTORY"], !state.isEmpty {
            result.stateDirectory = String(state.split(separator: ":").first ?? Substring(state))
        }
        guard let reader = try self.root.subtable("daemon") else { return result }
        try reader.rejectUnknownKeys(allowed: Self.daemonKeys, secretAdvice: Self.secretAdvice)
        if let path = try reader.string("state_dir") { result.stateDirectory = self.resolve(path) }
        func positive(_ key: String, _ range: ClosedRange<Int>, _ fix: String) throws(ConfigurationError) -> Int? {
            guard let value = try reader.int(key) else { return nil }
            guard range.contains(value) else {
                throw reader.error(.invalidValue, key, "\(value) is out of range", fix: fix)
            }
            return value
        }
        result.senderWindowHours = try positive("sender_window_hours", 0...8760, "use 0 to 8760 hours (default 24)")
            ?? result.senderWindowHours
        result.hourlyCap = try positive("hourly_cap", 1...100_000, "use 1 to 100000 (default 200)") ?? result.hourlyCap
        result.pollIntervalSeconds = try positive("poll_interval_seconds", 1...3600, "use 1 to 3600 seconds (default 60)")
            ?? result.pollIntervalSeconds
        result.useIdle = try reader.bool("use_idle") ?? result.useIdle
        // At least a day: a shorter window would purge mail before a reviewer had a working day to see
        // its draft; at most ten years.
        result.retentionDays = try positive("retention_days", 1...3650, "use 1 to 3650 days (default 90)")
            ?? result.retentionDays
        return result
    }
}

import Drafting
import Foundation
import Testing

@testable import Configuration

@Suite struct DraftingConfigurationTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/tact.toml").path

    /// A minimal valid configuration followed by `extra`.
    func parse(_ extra: String, environment: [String: String] = [:]) throws(ConfigurationError) -> TactConfiguration {
        let toml = """
            [[mailbox]]
            name = "support"
            host = "127.0.0.1"
            security = "plain"
            user = "test"
            password_file = "/run/secret"
            own_addresses = ["support@example.com"]

            \(extra)
            """
        return try TactConfiguration.parse(toml: toml, source: "/etc/tact/tact.toml", environment: environment)
    }

    func error(_ extra: String) -> ConfigurationError? {
        do {
            _ = try parse(extra)
            return nil
        } catch {
            return error
        }
    }

    @Test func theShippedFileSetsDraftingDaemonAndSigner() throws {
        let text = try String(contentsOfFile: Self.shipped, encoding: .utf8)
        let configuration = try TactConfiguration.parse(toml: text, source: Self.shipped, environment: [:])
        #expect(configuration.drafting.timeZone == "Europe/London")
        #expect(configuration.drafting.holidays.contains(LocalDate(year: 2026, month: 12, day: 25)))
        #expect(configuration.drafting.targets["complaint"] == .businessHours(4))
        #expect(configuration.drafting.targets["billing"] == .businessDays(1))
        // A checkout: templates/ is found beside config/, and config/courtesy.toml is the rule pack.
        #expect(FileManager.default.fileExists(atPath: configuration.drafting.templatesDirectory + "/complaint.mustache"))
        #expect(configuration.drafting.rulesFile?.hasSuffix("config/courtesy.toml") == true)
        #expect(configuration.daemon.hourlyCap == 200)
        #expect(configuration.mailbox(named: "support")?.agentName == "Marta Keller")
        #expect(configuration.mailbox(named: "sales")?.agentName == nil)
        #expect(configuration.mailbox(named: nil)?.name == "support")
    }

    @Test func defaultsApplyWithoutTheSections() throws {
        let configuration = try parse("", environment: ["STATE_DIRECTORY": "/var/lib/tact-test"])
        #expect(configuration.drafting.timeZone == "UTC")
        #expect(configuration.drafting.week.keys.sorted() == [2, 3, 4, 5, 6])
        #expect(configuration.drafting.targets == DraftingSettings.defaultTargets)
        #expect(configuration.daemon.storePath == "/var/lib/tact-test/tact.sqlite")
        #expect(configuration.mailboxes[0].replyFrom == "support@example.com")
        #expect(configuration.mailboxes[0].teamName == "Customer support")
        #expect(configuration.daemon.retentionDays == 90)
    }

    @Test func retentionDaysIsReadAndBounded() throws {
        #expect(try parse("[daemon]\nretention_days = 30").daemon.retentionDays == 30)
        let zero = try #require(error("[daemon]\nretention_days = 0"))
        #expect(zero.keyPath == "daemon.retention_days")
        #expect(zero.description.contains("use 1 to 3650 days"))
        #expect(error("[daemon]\nretention_days = 3651")?.keyPath == "daemon.retention_days")
        #expect(error("[daemon]\nretention_days = \"90d\"")?.keyPath == "daemon.retention_days")
    }

    @Test func openingHoursHolidaysAndTargetsAreRead() throws {
        let configuration = try parse("""
            [drafting]
            time_zone = "America/New_York"
            templates_dir = "replies"
            holidays = ["2026-11-26"]
            [drafting.business_hours]
            monday = "08:30-12:00"
            saturday = "10:00-14:00"
            sunday = "closed"
            [drafting.response_targets]
            technical = "90m"
            praise = "3d"
            """)
        #expect(configuration.drafting.week.keys.sorted() == [2, 7])
        #expect(configuration.drafting.week[2] == (try OpeningHours(opens: LocalTime(parsing: "08:30"), closes: LocalTime(parsing: "12:00"))))
        #expect(configuration.drafting.targets["technical"] == .businessMinutes(90))
        #expect(configuration.drafting.targets["praise"] == .businessDays(3))
        #expect(configuration.drafting.templatesDirectory == "/etc/tact/replies")
        #expect(configuration.drafting.businessHours.timeZone.identifier == "America/New_York")
    }

    @Test func mistakesNameTheKeyAndTheFix() throws {
        let zone = try #require(error("[drafting]\ntime_zone = \"Mars/Olympus\""))
        #expect(zone.keyPath == "drafting.time_zone")
        #expect(zone.description.contains("IANA"))
        let hours = try #require(error("[drafting.business_hours]\nmonday = \"9-5\""))
        #expect(hours.keyPath == "drafting.business_hours.monday")
        #expect(hours.description.contains("09:00-17:00"))
        #expect(error("[drafting.business_hours]\nfunday = \"09:00-17:00\"")?.keyPath == "drafting.business_hours.funday")
        #expect(error("[drafting.business_hours]\nmonday = \"closed\"")?.description.contains("every day is closed") == true)
        #expect(error("[drafting]\nholidays = [\"2026-12-25\", \"25.12.2026\"]")?.keyPath == "drafting.holidays[2]")
        let target = try #require(error("[drafting.response_targets]\ncomplaint = \"soon\""))
        #expect(target.keyPath == "drafting.response_targets.complaint")
        #expect(target.description.contains("\"4h\""))
        #expect(error("[daemon]\nhourly_cap = 0")?.keyPath == "daemon.hourly_cap")
        #expect(error("[daemon]\nhourly_capp = 10")?.description.contains("did you mean \"hourly_cap\"") == true)
        #expect(error("[[mailbox]]\nname = \"x\"\nhost = \"h\"\nuser = \"u\"\npassword_file = \"/p\"\nown_addresses = [\"a@b.c\"]\nreply_from = \"not an address\"")?.keyPath == "mailbox[2].reply_from")
    }
}

@Suite struct ShippedConfigDocumentsEveryKeyTests {
    /// config/tact.toml is the one place where every key is named and explained: each key the
    /// parser accepts appears there, set or commented out.
    @Test func everyAcceptedKeyIsInTheShippedFile() throws {
        let text = try String(contentsOfFile: DraftingConfigurationTests.shipped, encoding: .utf8)
        let keys = Set(
            ConfigurationParser.mailboxKeys + ConfigurationParser.smtpKeys + ConfigurationParser.draftingKeys
                + ConfigurationParser.daemonKeys + ConfigurationParser.weekdays)
            .subtracting(["smtp", "business_hours", "response_targets"])  // tables, checked below
        for key in keys.sorted() {
            let named = text.split(separator: "\n").contains { line in
                let trimmed = line.drop { $0 == "#" || $0 == " " }
                return trimmed.hasPrefix("\(key) ") || trimmed.hasPrefix("\(key)=")
            }
            #expect(named, "config/tact.toml does not name the key \(key)")
        }
        for table in ["[smtp]", "[[mailbox]]", "[mailbox.smtp]", "[drafting]", "[drafting.business_hours]",
                      "[drafting.response_targets]", "[daemon]"] {
            #expect(text.contains(table), "config/tact.toml does not show \(table)")
        }
    }
}

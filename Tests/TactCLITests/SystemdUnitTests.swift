import Foundation
import TactTestSupport
import Testing

@Suite struct SystemdUnitTests {
    let unit = repositoryRoot.appendingPathComponent("systemd/tact.service").path

    @Test func theUnitIsHardenedToAnExposureOfTwoOrLess() throws {
        let analyze = try Command.locate(["/usr/bin/systemd-analyze", "/bin/systemd-analyze"], package: "systemd")
        let result = try Command.run(analyze, ["security", "--offline=true", "--no-pager", unit])
        let summary = try #require(result.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") })
        // "→ Overall exposure level for tact.service: 1.0 OK 🙂"
        let number = summary.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        let exposure = try #require(number, "cannot read the exposure from \(summary)")
        #expect(exposure <= 2.0, "\(summary)")
    }

    @Test func theUnitRunsAsANotifyServiceUnderItsOwnUser() throws {
        let text = try String(contentsOfFile: unit, encoding: .utf8)
        let settings = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for required in [
            "Type=notify", "User=tact", "Group=tact", "StateDirectory=tact", "StateDirectoryMode=0770",
            "ConfigurationDirectory=tact", "NoNewPrivileges=yes", "ProtectSystem=strict", "WatchdogSec=60s",
        ] {
            #expect(settings.contains(required), "missing \(required)")
        }
        #expect(!text.contains("Password="), "secrets belong in credentials, not the unit")
    }
}

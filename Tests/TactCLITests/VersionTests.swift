import Testing
import TactTestSupport

@Suite struct VersionAndHelpTests {
    @Test func versionPrintsTheReleaseNumber() throws {
        let result = try TactBinary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test func helpNamesTheProgram() throws {
        let result = try TactBinary.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: tact"))
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let result = try TactBinary.run(["no-such-command"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no-such-command"))
    }
}

import Foundation
import TactTestSupport
import Testing

@Suite struct DraftCommandTests {
    let fixtures = repositoryRoot.appendingPathComponent("Tests/TactCLITests/Fixtures/draft")
    let templates = repositoryRoot.appendingPathComponent("templates").path
    let config = repositoryRoot.appendingPathComponent("config/tact.toml").path

    func draft(_ file: String, _ extra: [String] = []) throws -> (status: Int32, json: [String: Any]?, stdout: String) {
        let result = try TactBinary.run(
            ["draft", fixtures.appendingPathComponent(file).path, "--json", "--now", "2026-11-23T10:00:00Z",
             "--time-zone", "Europe/Berlin", "--config", config, "--templates", templates] + extra)
        let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return (result.status, json, result.stdout + result.stderr)
    }

    @Test func aRefundRequestGetsAPersonalReplyWithAConcretePromise() throws {
        let (status, json, output) = try draft("02-refund.eml")
        #expect(status == 0, "\(output)")
        let headers = try #require(json?["headers"] as? [String: String])
        #expect(headers["To"] == "O'Brien, Liam <liam.obrien@example.net>")
        #expect(headers["Subject"] == "Re: Refund for the broken kettle")
        #expect(headers["In-Reply-To"] == "<demo-02@example.net>")
        #expect(headers["Auto-Submitted"] == "auto-replied")
        // Signer and reply address come from the shipped configuration's first mailbox.
        #expect(headers["From"] == "Support at Example <support@example.com>")
        #expect(json?["template"] as? String == "refund")
        let body = try #require(json?["body"] as? String)
        #expect(body.hasPrefix("Hi Liam,\n"))
        #expect(body.contains("order 5521-88"))
        // Arrived 08:55 Berlin; 8 business hours from the 09:00 opening: Monday 17:00.
        #expect(body.contains("by Monday 23 November, 17:00"))
        #expect(body.contains("Marta Keller"))
        #expect((json?["findings"] as? [Any])?.isEmpty == true)
    }

    @Test func askingHowWeAreIsAnsweredAndTheNameIsUsed() throws {
        let (status, json, output) = try draft("10-question-how-are-you.eml")
        #expect(status == 0, "\(output)")
        let body = try #require(json?["body"] as? String)
        #expect(body.hasPrefix("Hi Fatima,\n"))
        #expect(body.contains("thank you for asking"))
    }

    @Test func latin1MailIsAnsweredInCleanUTF8() throws {
        let (status, json, output) = try draft("04-billing-latin1.eml")
        #expect(status == 0, "\(output)")
        #expect((json?["headers"] as? [String: String])?["To"] == "Jörg Müller <joerg.mueller@example.de>")
        #expect((json?["body"] as? String)?.hasPrefix("Hi Jörg,\n") == true)
    }

    @Test func machineMailIsNeverDrafted() throws {
        let result = try TactBinary.run(
            ["draft", fixtures.appendingPathComponent("14-bounce.eml").path, "--templates", templates])
        #expect(result.status == 1)
        #expect(result.stdout.contains("not drafted: machine mail (delivery-report"))
    }

    @Test func lineBreaksSmuggledInEncodedWordsCreateNoHeader() throws {
        let (status, json, output) = try draft("injection.eml")
        #expect(status == 0, "\(output)")
        let headers = try #require(json?["headers"] as? [String: String])
        #expect(headers["Bcc"] == nil && headers["X-Evil"] == nil)
        #expect(headers.values.allSatisfy { !$0.contains("\n") && !$0.contains("\r") })
        #expect(headers["To"]?.hasSuffix("<eve@example.org>") == true)
    }

    @Test func flagsOverrideTheConfigurationAndUnknownMailboxesAreNamed() throws {
        let (status, json, output) = try draft("02-refund.eml", ["--agent", "Tom Becker", "--from", "help@example.com", "--mailbox", "sales"])
        #expect(status == 0, "\(output)")
        #expect((json?["headers"] as? [String: String])?["From"] == "Customer support <help@example.com>")
        #expect((json?["body"] as? String)?.contains("Tom Becker") == true)
        let unknown = try TactBinary.run(
            ["draft", fixtures.appendingPathComponent("02-refund.eml").path, "--config", config, "--mailbox", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("choose one of support, sales"))
    }

    @Test func aBadNowIsAUsageError() throws {
        let result = try TactBinary.run(
            ["draft", fixtures.appendingPathComponent("02-refund.eml").path, "--now", "tomorrow", "--templates", templates])
        #expect(result.status == 2)
        #expect(result.stderr.contains("ISO 8601"))
    }
}

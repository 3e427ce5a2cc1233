import Foundation
import TactTestSupport
import Testing

/// `tact lint --incoming MAIL.eml` derives the context from the customer's mail.
@Suite struct LintIncomingTests {
    let complaint = repositoryRoot.appendingPathComponent("demo/mail/01-complaint-late-delivery.eml").path
    /// A reply that neither uses Jane's name nor apologises.
    let draft = "Hello,\n\nThank you for your message. A colleague will reply by Tuesday 24 November, 10:00.\n\nKind regards,\nMarta Keller\n"

    func lint(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try TactBinary.run(["lint", "-", "--json"] + arguments, input: Data(draft.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    @Test func theCustomersNameAndComplaintComeFromTheirMail() throws {
        let rules = try lint(["--incoming", complaint]).compactMap { $0["rule"] as? String }
        #expect(rules.contains("use-first-name"))
        #expect(rules.contains("empathy-missing"))
        // Without the mail, the context rules stay silent.
        let bare = try lint([]).compactMap { $0["rule"] as? String }
        #expect(!bare.contains("use-first-name") && !bare.contains("empathy-missing"))
    }

    @Test func explicitFlagsOverrideWhatTheMailSays() throws {
        // empathy-missing fires for complaints or clearly negative mail: override both.
        let rules = try lint(["--incoming", complaint, "--category", "praise", "--sentiment", "positive"])
            .compactMap { $0["rule"] as? String }
        #expect(!rules.contains("empathy-missing"))
        let stillNegative = try lint(["--incoming", complaint, "--category", "praise"]).compactMap { $0["rule"] as? String }
        #expect(stillNegative.contains("empathy-missing"))
        #expect(rules.contains("use-first-name"))
    }

    @Test func anUnreadableIncomingMailIsAUsageError() throws {
        let result = try TactBinary.run(["lint", "-", "--incoming", "/nonexistent/mail.eml"], input: Data(draft.utf8))
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/mail.eml"))
    }
}

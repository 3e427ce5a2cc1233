import Foundation
import TactTestSupport
import Testing

/// `tact classify --json` carries the classification of human mail, and nulls for machine mail.
@Suite struct ClassifyCategoryTests {
    func classify(_ name: String, _ extra: [String] = []) throws -> [String: Any] {
        let result = try TactBinary.run(["classify", "--json", repositoryRoot.appendingPathComponent("demo/mail/\(name)").path] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func humanMailGetsACategoryConfidenceEvidenceAndSignals() throws {
        let json = try classify("10-question-how-are-you.eml")
        #expect(json["category"] as? String == "question")
        #expect(json["automated"] as? Bool == false)
        let confidence = try #require(json["confidence"] as? Double)
        #expect(confidence > 0 && confidence <= 1)
        #expect(json["runner_up"] is String)
        #expect((json["evidence"] as? [String])?.isEmpty == false)
        #expect(json["asks_how_are_you"] as? Bool == true)
        #expect(json["language"] as? String == "en")
        #expect(json["uncertain"] is Bool)
        #expect(["negative", "neutral", "positive"].contains(json["sentiment"] as? String ?? ""))
        #expect(json["urgency"] is String)
    }

    @Test func orderNumbersAreReported() throws {
        let json = try classify("02-refund.eml")
        #expect(json["category"] as? String == "refund")
        #expect((json["order_numbers"] as? [String])?.contains { $0.contains("5521-88") } == true)
    }

    @Test func machineMailIsAutomatedWithEveryClassificationKeyNull() throws {
        let json = try classify("16-mailing-list.eml")
        #expect(json["category"] as? String == "automated")
        for key in ["confidence", "runner_up", "evidence", "sentiment", "urgency", "asks_how_are_you", "order_numbers", "language", "uncertain"] {
            #expect(json.keys.contains(key) && json[key] is NSNull, "\(key) must be present and null")
        }
    }

    @Test func explainPrintsTheReasoning() throws {
        let result = try TactBinary.run(["classify", "--explain", repositoryRoot.appendingPathComponent("demo/mail/09-complaint-angry.eml").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("category:   complaint"))
        #expect(result.stdout.contains("evidence:"))
        #expect(result.stdout.contains("sentiment:  negative"))
    }
}

@Suite struct ClassifyThanksOnlyTests {
    @Test func aLoneThankYouAboveAQuotedRefundMailIsPraise() throws {
        let file = repositoryRoot.appendingPathComponent("Tests/TactCLITests/Fixtures/classify/thanks-only.eml").path
        let result = try TactBinary.run(["classify", "--json", file])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["category"] as? String == "praise")
    }
}

import Foundation
import TactTestSupport
import Testing

/// Runs `tact classify --json` over the suppression fixtures: a file named
/// `suppress-<reason>[--variant].eml` must be suppressed with exactly that reason, and a
/// `human-*.eml` (mail that only looks automated) must not be suppressed at all.
@Suite struct ClassifyFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("MailParsingTests/Fixtures")

    static var suppressed: [String] { Self.names(prefix: "suppress-") }
    static var human: [String] { Self.names(prefix: "human-") + ["automatic-renewal-human"] }

    private static func names(prefix: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)) ?? []
        return files.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".eml") }.map { String($0.dropLast(4)) }.sorted()
    }

    private func classify(_ name: String) throws -> [String: Any] {
        let path = Self.fixtures.appendingPathComponent(name + ".eml").path
        let result = try TactBinary.run([
            "classify", path, "--json", "--own-address", "support@shop.example",
            "--never-acknowledge", "legal.example.org",
        ])
        #expect(result.status == 0, "\(name): \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func theCorpusCoversEveryReason() {
        let reasons = Set(Self.suppressed.map { String($0.dropFirst("suppress-".count).split(separator: "--")[0]) })
        #expect(reasons.count == 13, "\(reasons.sorted())")
        #expect(Self.suppressed.count >= 40)
    }

    @Test(arguments: Self.suppressed)
    func machineMailIsSuppressedWithItsReason(name: String) throws {
        let expected = String(name.dropFirst("suppress-".count).split(separator: "--")[0])
        let object = try self.classify(name)
        #expect(object["automated"] as? Bool == true, "\(name)")
        #expect(object["suppressed_reason"] as? String == expected, "\(name)")
        #expect(object["category"] as? String == "automated", "\(name)")
    }

    @Test(arguments: Self.human)
    func humanMailThatLooksAutomatedIsAnswered(name: String) throws {
        let object = try self.classify(name)
        #expect(object["automated"] as? Bool == false, "\(name)")
        #expect(object["suppressed_reason"] is NSNull, "\(name)")
    }
}

import Foundation
import TactTestSupport
import Testing

@Suite struct ClassifyCommandTests {
    static let reply = """
        From: "Doe, Jane" <jane@example.com>
        To: support@shop.example
        Subject: =?UTF-8?Q?Where_is_my_order_=E2=80=93_4471?=
        Message-ID: <cli-1@example.com>

        My order 4471 has not arrived.

        Thanks,
        Jane

        On Mon, 3 Jun 2024, Support <support@shop.example> wrote:
        > We shipped it yesterday.
        """

    private func json(_ result: CommandResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
        return try #require(object as? [String: Any])
    }

    @Test func jsonHasTheDocumentedKeysForHumanMailFromStandardInput() throws {
        let result = try TactBinary.run(["classify", "-", "--json"], input: Data(Self.reply.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let object = try self.json(result)
        #expect(object["message_id"] as? String == "cli-1@example.com")
        let from = try #require(object["from"] as? [String: Any])
        #expect(from["name"] as? String == "Doe, Jane")
        #expect(from["address"] as? String == "jane@example.com")
        #expect(object["first_name"] as? String == "Jane")
        #expect(object["subject"] as? String == "Where is my order – 4471")
        #expect(object["automated"] as? Bool == false)
        #expect(object["suppressed_reason"] is NSNull)
        // Human mail is classified: a late order is an order-status question.
        #expect(object["category"] as? String == "order-status")
        #expect(object["text"] as? String == "My order 4471 has not arrived.")
    }

    @Test func jsonMarksMailFromAnOwnAddressAsAutomated() throws {
        let result = try TactBinary.run(
            ["classify", "-", "--json", "--own-address", "JANE@example.com"], input: Data(Self.reply.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let object = try self.json(result)
        #expect(object["automated"] as? Bool == true)
        #expect(object["suppressed_reason"] as? String == "own-address")
        #expect(object["category"] as? String == "automated")
    }

    @Test func readsAFileAndPrintsAReadableSummary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("bounce.eml")
        let bounce = """
            Return-Path: <>
            From: MAILER-DAEMON@mx.example.net
            Subject: Undelivered Mail
            Content-Type: multipart/report; report-type=delivery-status; boundary=b

            --b
            Content-Type: text/plain

            Could not deliver.
            --b
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net

            Final-Recipient: rfc822; gone@example.com
            Action: failed
            Status: 5.1.1
            --b--
            """
        try Data(bounce.utf8).write(to: file)
        let result = try TactBinary.run(["classify", file.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Automated:  yes, never answered (delivery-report"))
        #expect(result.stdout.contains("Bounced:    gone@example.com (5.1.1)"))
    }

    @Test func unreadableInputIsAClearErrorWithExitStatus2() throws {
        let empty = try TactBinary.run(["classify", "-"], input: Data())
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("empty"))
        let noise = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        let binary = try TactBinary.run(["classify", "-"], input: noise)
        #expect(binary.status == 2)
        #expect(binary.stderr.contains("not an RFC 5322 message"))
        let missing = try TactBinary.run(["classify", "/nonexistent/mail.eml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/mail.eml"))
    }
}

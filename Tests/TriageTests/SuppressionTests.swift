import Foundation
import MailParsing
import Testing
import Triage

/// Builds a parsed message from header lines and a body.
private func message(_ headers: String, body: String = "Hello, where is my order?") throws -> InboundMessage {
    let text = headers + "\nContent-Type: text/plain; charset=utf-8\n\n" + body + "\n"
    return try MailParser().parse(Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
}

@Suite struct SuppressionPolicyTests {
    let policy = SuppressionPolicy(
        ownAddresses: ["Support@Shop.example"], neverAcknowledge: ["ceo@shop.example", "@law.example", "vip.example"])

    @Test func plainCustomerMailIsNotSuppressed() throws {
        let mail = try message("From: Jane Doe <jane@example.com>\nSubject: Where is my order?")
        #expect(self.policy.evaluate(mail) == nil)
    }

    @Test func autoSubmittedNoIsStillAnswered() throws {
        let mail = try message("From: jane@example.com\nAuto-Submitted: no\nSubject: Automatic renewal")
        #expect(self.policy.evaluate(mail) == nil)
    }

    @Test func everyAutoSubmittedInstanceIsChecked() throws {
        let mail = try message("From: jane@example.com\nAuto-Submitted: no\nAuto-Submitted: auto-replied; x=1")
        #expect(self.policy.evaluate(mail)?.reason == .autoSubmitted)
        #expect(self.policy.evaluate(mail)?.detail == "Auto-Submitted: auto-replied; x=1")
    }

    @Test func ownAddressesMatchWhateverTheCase() throws {
        let mail = try message("From: SUPPORT@shop.EXAMPLE\nSubject: hi")
        #expect(self.policy.evaluate(mail)?.reason == .ownAddress)
    }

    @Test func neverAcknowledgeMatchesAddressesDomainsAndSubdomains() throws {
        for sender in ["ceo@shop.example", "a@law.example", "b@vip.example", "c@mail.vip.example"] {
            let mail = try message("From: \(sender)\nSubject: hi")
            #expect(self.policy.evaluate(mail)?.reason == .neverAcknowledge, "\(sender)")
        }
        for sender in ["other@shop.example", "a@notvip.example", "a@law.example.com"] {
            let mail = try message("From: \(sender)\nSubject: hi")
            #expect(self.policy.evaluate(mail) == nil, "\(sender)")
        }
    }

    @Test func spamVerdictsAndForgedSendersAreSuppressed() throws {
        #expect(try self.policy.evaluate(message("From: a@example.com\nX-Spam-Flag: yes"))?.reason == .spam)
        #expect(try self.policy.evaluate(message("From: a@example.com\nX-Spam-Status: Yes, score=7"))?.reason == .spam)
        #expect(try self.policy.evaluate(message("From: a@example.com\nX-Spam-Status: No, score=1")) == nil)
        let forged = try message("From: a@example.com\nAuthentication-Results: mx; dmarc = fail header.from=x")
        #expect(self.policy.evaluate(forged)?.reason == .dmarcFail)
        let passed = try message("From: a@example.com\nAuthentication-Results: mx; dmarc=pass header.from=x")
        #expect(self.policy.evaluate(passed) == nil)
    }

    @Test func precedenceOnlySuppressesBulkValues() throws {
        #expect(try self.policy.evaluate(message("From: a@example.com\nPrecedence: BULK"))?.reason == .precedence)
        #expect(try self.policy.evaluate(message("From: a@example.com\nPrecedence: urgent")) == nil)
    }

    @Test func autoResponseSuppressNeedsAllOrOOF() throws {
        let oof = try message("From: a@example.com\nX-Auto-Response-Suppress: RN, OOF")
        #expect(self.policy.evaluate(oof)?.reason == .autoResponseSuppress)
        let receipts = try message("From: a@example.com\nX-Auto-Response-Suppress: RN, NRN")
        #expect(self.policy.evaluate(receipts) == nil)
    }

    @Test func systemSendersAreRecognisedByLocalPartOnly() {
        for address in ["MAILER-DAEMON@x.example", "postmaster@x.example", "listserv@x.example",
            "majordomo@x.example", "dev-request@x.example", "owner-dev@x.example", "no-reply@x.example",
            "noreply.billing@x.example", "donotreply@x.example", "bounce-42@x.example"]
        {
            #expect(SuppressionPolicy.isSystemSender(address), "\(address)")
        }
        for address in ["jane@noreply.example", "requester@x.example", "owner@x.example", "bob@bounce.example"] {
            #expect(!SuppressionPolicy.isSystemSender(address), "\(address)")
        }
    }

    @Test func outOfOfficeSubjectsInSeveralLanguagesButNotLookalikes() {
        for subject in ["Automatic reply: Order", "Out of Office: Order", "Automatische Antwort: Bestellung",
            "Réponse automatique : Commande", "Respuesta automática: Pedido", "Risposta automatica: Ordine",
            "自動応答: 注文"]
        {
            #expect(SuppressionPolicy.outOfOfficePrefix(subject) != nil, "\(subject)")
        }
        for subject in [
            "Automatic renewal charged twice", "Re: office chair out of stock", "Auto insurance", "不在票が入っていました",
        ] {
            #expect(SuppressionPolicy.outOfOfficePrefix(subject) == nil, "\(subject)")
        }
    }

    @Test func aBounceReportsItsPermanentFailuresAndTheBouncedMessageID() throws {
        let report = """
            Return-Path: <>
            From: Mail Delivery Subsystem <mailer-daemon@mx.example.net>
            Subject: Delivery Status Notification (Failure)
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="r"

            --r
            Content-Type: text/plain

            Delivery failed.
            --r
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net

            Final-Recipient: rfc822; <gone@example.com>
            Action: failed
            Status: 5.1.1 (user unknown)

            Final-Recipient: rfc822; full@example.com
            Action: failed
            Status: 5.2.2

            Final-Recipient: rfc822; later@example.com
            Action: delayed
            Status: 4.4.7
            --r
            Content-Type: message/rfc822

            From: Support <support@shop.example>
            Message-ID: <ack-99@shop.example>
            Subject: We got your message

            Thank you.
            --r--
            """
        let mail = try MailParser().parse(Data(report.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        let suppression = try #require(self.policy.evaluate(mail))
        #expect(suppression.reason == .deliveryReport)
        let bounce = try #require(suppression.bounce)
        #expect(bounce.failedRecipients == [
            FailedRecipient(address: "gone@example.com", status: "5.1.1"),
            FailedRecipient(address: "full@example.com", status: "5.2.2"),
        ])
        #expect(bounce.originalMessageID == "ack-99@shop.example")
    }

    @Test func anEximBounceWithoutADeliveryStatusPartReportsItsFailedRecipients() throws {
        let mail = try message("""
            Return-Path: <>
            From: Mail Delivery System <Mailer-Daemon@mx.example.net>
            X-Failed-Recipients: gone@example.com, old@example.org
            Subject: Mail delivery failed: returning message to sender
            """, body: "This message was created automatically by mail delivery software.")
        let suppression = try #require(self.policy.evaluate(mail))
        #expect(suppression.reason == .nullReturnPath)
        #expect(suppression.bounce?.failedRecipients.map(\.address) == ["gone@example.com", "old@example.org"])
    }

    @Test func reasonsHaveStableMachineReadableNames() {
        #expect(SuppressionReason.allCases.count == 13)
        #expect(Set(SuppressionReason.allCases.map(\.rawValue)).count == 13)
        #expect(SuppressionReason.allCases.allSatisfy { $0.rawValue.allSatisfy { $0.isLowercase || $0 == "-" } })
    }
}

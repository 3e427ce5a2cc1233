import Foundation
import MailTransport
import TactTestSupport
import Testing

private func client(_ sink: SMTPSink) -> SMTPClient {
    SMTPClient(
        endpoint: ServerEndpoint(
            host: "127.0.0.1", port: sink.port, security: .plaintext, connectTimeout: .seconds(5),
            ioTimeout: .seconds(10)),
        credentials: nil)
}

/// A message with the lines SMTP transports are most likely to damage.
private let trickyMessage = Data(
    ("From: Support <support@example.com>\r\n"
        + "To: Ana <ana@example.net>\r\n"
        + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n"
        + "\r\n"
        + "Grüße aus Köln, ça va? 日本語\r\n"
        + ".\r\n"
        + ".leading dot must survive\r\n"
        + "..two dots too\r\n"
        + " . not a terminator\r\n"
        + "\r\n"
        + "last line\r\n").utf8)

@Suite struct SMTPClientTests {
    @Test func acceptedMessageArrivesByteForByteWithItsEnvelope() async throws {
        try await withSMTPSink { sink in
            let envelope = try SMTPEnvelope(sender: "support@example.com", recipients: ["ana@example.net"])
            let receipt = try client(sink).send(trickyMessage, envelope: envelope)
            #expect(receipt.replyCode == 250)
            #expect(receipt.replyText.contains("queued as 1"))
            let messages = try sink.messages()
            try #require(messages.count == 1)
            #expect(messages[0].raw == trickyMessage)
            #expect(messages[0].mailFrom == "support@example.com")
            #expect(messages[0].recipients == ["ana@example.net"])
        }
    }

    @Test func nullSenderIsSentAsEmptyReversePath() async throws {
        try await withSMTPSink { sink in
            _ = try client(sink).send(trickyMessage, envelope: SMTPEnvelope(sender: "", recipients: ["a@example.net"]))
            let messages = try sink.messages()
            #expect(messages.map(\.mailFrom) == [""])
        }
    }

    @Test func everyRecipientIsGivenToTheServer() async throws {
        try await withSMTPSink { sink in
            let recipients = ["a@example.net", "b@example.org", "c@example.com"]
            _ = try client(sink).send(
                trickyMessage, envelope: SMTPEnvelope(sender: "s@example.com", recipients: recipients))
            #expect(try sink.messages().map(\.recipients) == [recipients])
        }
    }

    @Test func temporaryRefusalOfARecipientIsTransientWithTheServersText() async throws {
        try await withSMTPSink { sink in
            try sink.answer(.rcpt, code: 451, text: "4.3.0 mailbox busy, try later")
            let failure = #expect(throws: SMTPFailure.self) {
                try client(sink).send(
                    trickyMessage, envelope: SMTPEnvelope(sender: "s@example.com", recipients: ["a@example.net"]))
            }
            #expect(failure?.error.kind == .temporaryFailure)
            #expect(failure?.isTransient == true)
            #expect(failure?.replyCode == 451)
            #expect(failure?.phase == .envelope)
            #expect(failure?.dataMayHaveBeenAccepted == false)
            #expect(failure?.error.serverText == "451 4.3.0 mailbox busy, try later")
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test func permanentRefusalOfARecipientIsNotTransientAndCarriesTheText() async throws {
        try await withSMTPSink { sink in
            try sink.answer(.rcpt, code: 550, text: "5.1.1 no such user here")
            let failure = #expect(throws: SMTPFailure.self) {
                try client(sink).send(
                    trickyMessage, envelope: SMTPEnvelope(sender: "s@example.com", recipients: ["x@example.net"]))
            }
            #expect(failure?.error.kind == .permanentFailure)
            #expect(failure?.isTransient == false)
            #expect(failure?.replyCode == 550)
            #expect(failure?.error.description.contains("5.1.1 no such user here") == true)
        }
    }

    @Test func refusalAfterTheDataIsDefiniteSoNotPossiblyAccepted() async throws {
        try await withSMTPSink { sink in
            try sink.answer(.data, code: 554, text: "5.7.1 message rejected as spam")
            let failure = #expect(throws: SMTPFailure.self) {
                try client(sink).send(
                    trickyMessage, envelope: SMTPEnvelope(sender: "s@example.com", recipients: ["x@example.net"]))
            }
            #expect(failure?.error.kind == .permanentFailure)
            #expect(failure?.phase == .afterData)
            #expect(failure?.dataMayHaveBeenAccepted == false)
            #expect(failure?.error.serverText == "554 5.7.1 message rejected as spam")
        }
    }

    @Test func connectionLostAfterTheWholeMessageMayHaveBeenAccepted() async throws {
        try await withSMTPSink { sink in
            try sink.dropConnection(at: .data)
            let failure = #expect(throws: SMTPFailure.self) {
                try client(sink).send(
                    trickyMessage, envelope: SMTPEnvelope(sender: "s@example.com", recipients: ["x@example.net"]))
            }
            #expect(failure?.phase == .afterData)
            #expect(failure?.dataMayHaveBeenAccepted == true, "resending could deliver it twice")
            #expect(failure?.isTransient == true)
            #expect(failure?.replyCode == nil)
        }
    }

    @Test func connectionLostDuringTheEnvelopeWasNotAccepted() async throws {
        try await withSMTPSink { sink in
            try sink.dropConnection(at: .rcpt)
            let failure = #expect(throws: SMTPFailure.self) {
                try client(sink).send(
                    trickyMessage, envelope: SMTPEnvelope(sender: "s@example.com", recipients: ["x@example.net"]))
            }
            #expect(failure?.phase == .envelope)
            #expect(failure?.dataMayHaveBeenAccepted == false)
            #expect(failure?.isTransient == true)
            try sink.acceptEverything()
            _ = try client(sink).send(
                trickyMessage, envelope: SMTPEnvelope(sender: "s@example.com", recipients: ["x@example.net"]))
            #expect(try sink.messages().count == 1)
        }
    }

    @Test func temporaryRefusalOfMailFromIsTransient() async throws {
        try await withSMTPSink { sink in
            try sink.answer(.mail, code: 421, text: "4.7.0 too many connections")
            let failure = #expect(throws: SMTPFailure.self) {
                try client(sink).send(
                    trickyMessage, envelope: SMTPEnvelope(sender: "s@example.com", recipients: ["x@example.net"]))
            }
            #expect(failure?.error.kind == .temporaryFailure)
            #expect(failure?.replyCode == 421)
        }
    }

    @Test func sinkDownIsUnreachableAndTransientThenWorksAgainOnRestart() async throws {
        try await withSMTPSink { sink in
            sink.stop()
            let envelope = try SMTPEnvelope(sender: "s@example.com", recipients: ["x@example.net"])
            let failure = #expect(throws: SMTPFailure.self) {
                try client(sink).send(trickyMessage, envelope: envelope)
            }
            #expect(failure?.error.kind == .unreachable)
            #expect(failure?.isTransient == true)
            #expect(failure?.phase == .connecting)
            #expect(failure?.dataMayHaveBeenAccepted == false)
            try sink.start()
            _ = try client(sink).send(trickyMessage, envelope: envelope)
            #expect(try sink.messages().count == 1)
        }
    }

    @Test func lineBreaksInEnvelopeAddressesAreRejectedBeforeConnecting() throws {
        let attempts: [(String, [String])] = [
            ("s@example.com\r\nRCPT TO:<victim@example.org>", ["a@example.net"]),
            ("s@example.com", ["a@example.net\nDATA"]),
            ("s@example.com", ["a@example.net\0"]),
            ("s@example.com", ["<a@example.net>"]),
            ("s@example.com", []),
            ("s@example.com", [""]),
        ]
        for (sender, recipients) in attempts {
            let error = #expect(throws: TransportError.self) {
                try SMTPEnvelope(sender: sender, recipients: recipients)
            }
            #expect(error?.kind == .protocolViolation)
            #expect(error?.message.contains("victim") == false, "the injected text is not echoed")
        }
    }

    @Test func bareLineFeedsAreRefusedRatherThanSentDamaged() throws {
        let client = SMTPClient(
            endpoint: ServerEndpoint(host: "127.0.0.1", port: 9, security: .plaintext), credentials: nil)
        let failure = #expect(throws: SMTPFailure.self) {
            try client.send(
                Data("Subject: x\n\nbody\n".utf8), envelope: SMTPEnvelope(sender: "", recipients: ["a@b.c"]))
        }
        #expect(failure?.error.kind == .protocolViolation)
        #expect(failure?.error.message.contains("byte 10") == true)
    }

    @Test func plaintextToANonLoopbackHostIsRefusedBeforeConnecting() throws {
        let client = SMTPClient(
            endpoint: ServerEndpoint(host: "smtp.example.com", port: 25, security: .plaintext),
            credentials: Credentials(user: "u", secret: .literal(Secret("pw"))))
        let failure = #expect(throws: SMTPFailure.self) {
            try client.send(trickyMessage, envelope: SMTPEnvelope(sender: "", recipients: ["a@b.c"]))
        }
        #expect(failure?.error.kind == .insecureConfiguration)
    }

    @Test func parallelSinksDoNotShareMessages() async throws {
        try await withSMTPSink { first in
            try await withSMTPSink { second in
                #expect(first.port != second.port)
                _ = try client(first).send(trickyMessage, envelope: SMTPEnvelope(sender: "", recipients: ["a@b.c"]))
                #expect(try first.messages().count == 1)
                #expect(try second.messages().isEmpty)
            }
        }
    }
}

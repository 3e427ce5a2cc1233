import Foundation
import MailTransport
import TactTestSupport
import Testing

/// A small message with CRLF line ends, as a server stores it.
func testMessage(_ subject: String, body: String = "Hello.") -> [UInt8] {
    Array("From: a@example.com\r\nTo: b@example.com\r\nSubject: \(subject)\r\n\r\n\(body)\r\n".utf8)
}

func expectKind(_ kind: TransportError.Kind, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(kind), but the call succeeded")
    } catch let error as TransportError {
        #expect(error.kind == kind, "\(error)")
    } catch {
        Issue.record("expected TransportError.\(kind), got \(error)")
    }
}

@Suite(.serialized) struct IMAPSessionTests {
    @Test(arguments: [TransportSecurity.implicitTLS, .startTLS, .plaintext])
    func logsInAndSelectsInEverySecurityMode(_ security: TransportSecurity) async throws {
        try await withDovecot { dovecot in
            try dovecot.deliver(testMessage("one"))
            try dovecot.deliver(testMessage("two"))
            let session = IMAPSession(endpoint: dovecot.endpoint(security), credentials: dovecot.credentials())
            let status = try await session.select("INBOX")
            #expect(status.messageCount == 2)
            #expect(status.uidNext == 3)
            #expect(status.uidValidity > 0)
            #expect(status.highestModSeq != nil)
            await session.close()
        }
    }

    @Test func certificateForAnotherHostIsATLSFailure() async throws {
        try await withDovecot { dovecot in
            let session = IMAPSession(
                endpoint: dovecot.endpoint(.implicitTLS, host: dovecot.uncoveredHost), credentials: dovecot.credentials())
            await expectKind(.tlsFailure) { try await session.connect() }
        }
    }

    @Test func untrustedCertificateIsATLSFailure() async throws {
        try await withDovecot { dovecot in
            for security in [TransportSecurity.implicitTLS, .startTLS] {
                let session = IMAPSession(
                    endpoint: dovecot.endpoint(security, trustCertificate: false), credentials: dovecot.credentials())
                await expectKind(.tlsFailure) { try await session.connect() }
            }
        }
    }

    @Test func wrongPasswordIsAnAuthenticationFailure() async throws {
        try await withDovecot { dovecot in
            let session = IMAPSession(
                endpoint: dovecot.endpoint(.implicitTLS), credentials: dovecot.credentials(password: "wrong"))
            await expectKind(.authenticationFailed) { try await session.connect() }
        }
    }

    @Test func unknownMailboxIsReportedAsSuch() async throws {
        try await withDovecot { dovecot in
            let session = IMAPSession(endpoint: dovecot.endpoint(.plaintext), credentials: dovecot.credentials())
            await expectKind(.noSuchMailbox) { _ = try await session.select("No Such Box") }
            // The session stays usable.
            let drafts = try await session.select("Drafts")
            #expect(drafts.messageCount == 0)
        }
    }

    @Test func changedUIDValidityIsReported() async throws {
        try await withDovecot { dovecot in
            let session = IMAPSession(endpoint: dovecot.endpoint(.plaintext), credentials: dovecot.credentials())
            let status = try await session.select("INBOX")
            await expectKind(.uidValidityChanged) {
                _ = try await session.select("INBOX", expectedUIDValidity: status.uidValidity &+ 1)
            }
        }
    }

    @Test func lineBreakInMailboxNameIsRejected() async throws {
        try await withDovecot { dovecot in
            let session = IMAPSession(endpoint: dovecot.endpoint(.plaintext), credentials: dovecot.credentials())
            await expectKind(.protocolViolation) { _ = try await session.select("INBOX\r\nA1 LOGOUT") }
            let inbox = try await session.select("INBOX")
            #expect(inbox.messageCount == 0)
        }
    }
}

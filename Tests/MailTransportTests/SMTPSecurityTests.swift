import Foundation
import MailTransport
import TactTestSupport
import Testing

private let message = Data("From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n\r\n.hello\r\n".utf8)

private func endpoint(_ sink: SMTPSink, caFile: String? = nil) -> ServerEndpoint {
    // "localhost" so the certificate's DNS name is checked too, not only its IP.
    ServerEndpoint(
        host: "localhost", port: sink.port, security: sink.security, caFile: caFile ?? sink.caFile,
        connectTimeout: .seconds(5), ioTimeout: .seconds(10))
}

private func envelope() throws -> SMTPEnvelope {
    try SMTPEnvelope(sender: "a@example.com", recipients: ["b@example.net"])
}

@Suite struct SMTPSecurityTests {
    @Test(arguments: [TransportSecurity.implicitTLS, .startTLS])
    func submitsOverVerifiedTLSWithPasswordLogin(security: TransportSecurity) async throws {
        try await withSMTPSink(security: security, passwords: ["tact": "s3cret"]) { sink in
            let client = SMTPClient(
                endpoint: endpoint(sink), credentials: Credentials(user: "tact", secret: .literal(Secret("s3cret"))))
            _ = try client.send(message, envelope: envelope())
            #expect(try sink.messages().map(\.raw) == [message])
        }
    }

    @Test func startTLSNotOfferedIsRefusedRatherThanSendingInClear() async throws {
        try await withSMTPSink(passwords: ["tact": "s3cret"]) { (sink: SMTPSink) async throws in
            var plainEndpoint = endpoint(sink)
            plainEndpoint.security = .startTLS
            let client = SMTPClient(
                endpoint: plainEndpoint, credentials: Credentials(user: "tact", secret: .literal(Secret("s3cret"))))
            let failure = #expect(throws: SMTPFailure.self) { try client.send(message, envelope: envelope()) }
            #expect(failure?.error.kind == .tlsFailure)
            #expect(failure?.phase == .connecting)
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test func untrustedCertificateIsATLSFailure() async throws {
        try await withSMTPSink(security: .implicitTLS) { sink in
            let other = try TemporaryDirectory(prefix: "tact-ca")
            defer { other.remove() }
            // A CA file that does not hold the sink's certificate: verification must fail.
            let unrelated = other.path + "/ca.pem"
            let result = try Command.run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", other.path + "/k.pem", "-out", unrelated, "-days", "1", "-subj", "/CN=127.0.0.1",
                ])
            try #require(result.status == 0)
            let client = SMTPClient(endpoint: endpoint(sink, caFile: unrelated), credentials: nil)
            let failure = #expect(throws: SMTPFailure.self) { try client.send(message, envelope: envelope()) }
            #expect(failure?.error.kind == .tlsFailure)
            #expect(failure?.phase == .connecting)
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test func certificateForAnotherHostIsRefusedWithAClearError() async throws {
        let sink = try SMTPSink(security: .implicitTLS, alsoOnUncoveredHost: true)
        defer { sink.stop() }
        // The sink answers on 127.0.0.2 with a certificate for 127.0.0.1 and localhost only.
        var wrongHost = endpoint(sink)
        wrongHost.host = sink.uncoveredHost
        let failure = #expect(throws: SMTPFailure.self) {
            try SMTPClient(endpoint: wrongHost, credentials: nil).send(message, envelope: envelope())
        }
        #expect(failure?.error.kind == .tlsFailure)
        #expect(failure?.phase == .connecting)
        #expect(failure?.error.description.contains(sink.uncoveredHost) == true, "\(String(describing: failure))")
        #expect(try sink.messages().isEmpty)
        // The same sink under a name its certificate covers is accepted: the refusal was the name.
        _ = try SMTPClient(endpoint: endpoint(sink), credentials: nil).send(message, envelope: envelope())
        #expect(try sink.messages().count == 1)
    }

    @Test func wrongPasswordIsAnAuthenticationFailureWithoutThePassword() async throws {
        try await withSMTPSink(passwords: ["tact": "right-password"]) { sink in
            let client = SMTPClient(
                endpoint: endpoint(sink),
                credentials: Credentials(user: "tact", secret: .literal(Secret("wrong-password"))))
            let failure = #expect(throws: SMTPFailure.self) { try client.send(message, envelope: envelope()) }
            #expect(failure?.error.kind == .authenticationFailed)
            #expect(failure?.phase == .authenticating)
            #expect(failure?.isTransient == false)
            #expect(failure.map { "\($0)" }?.contains("wrong-password") == false)
        }
    }

    @Test func oauth2BearerTokenLogsInWithXOAUTH2() async throws {
        try await withSMTPSink(tokens: ["tact@example.com": "ya29.token"]) { sink in
            let tokenFile = sink.directory.path + "/token"
            try "ya29.token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let client = SMTPClient(
                endpoint: endpoint(sink),
                credentials: Credentials(user: "tact@example.com", secret: .file(tokenFile), mechanism: .oauth2))
            _ = try client.send(message, envelope: envelope())
            #expect(try sink.messages().count == 1)
            try "expired\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let failure = #expect(throws: SMTPFailure.self) { try client.send(message, envelope: envelope()) }
            #expect(failure?.error.kind == .authenticationFailed, "the token file is read again at every send")
        }
    }

    @Test func sinkWithoutLoginRefusesMailFromAnUnauthenticatedClient() async throws {
        try await withSMTPSink(passwords: ["tact": "pw"]) { sink in
            let client = SMTPClient(endpoint: endpoint(sink), credentials: nil)
            let failure = #expect(throws: SMTPFailure.self) { try client.send(message, envelope: envelope()) }
            #expect(failure?.error.kind == .permanentFailure)
            #expect(failure?.replyCode == 530)
        }
    }
}

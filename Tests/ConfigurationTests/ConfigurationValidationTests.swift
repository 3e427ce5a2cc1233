import Configuration
import Foundation
import Testing

private let validMailbox = """
    [[mailbox]]
    name = "support"
    host = "imap.example.com"
    user = "support@example.com"
    password_file = "/etc/tact/pw"
    own_addresses = ["support@example.com"]

    """

/// The error `toml` produces, or nil (recorded as a test failure) when it parses.
private func rejection(_ toml: String, environment: [String: String] = [:]) -> ConfigurationError? {
    do {
        _ = try TactConfiguration.parse(toml: toml, source: "tact.toml", environment: environment)
        Issue.record("expected the configuration to be rejected")
        return nil
    } catch {
        return error
    }
}

@Suite struct ConfigurationValidationTests {
    @Test func outOfRangePortNamesSecondMailboxItsLineAndTheRange() throws {
        let toml =
            validMailbox + validMailbox.replacingOccurrences(of: "\"support\"\n", with: "\"sales\"\n")
            + "port = 70000\n"
        let error = try #require(rejection(toml))
        #expect(error.kind == .invalidValue)
        #expect(error.keyPath == "mailbox[2].port")
        #expect(error.line == 13)
        #expect(error.fix.contains("1 and 65535"))
        #expect(error.description.hasPrefix("tact.toml:13: mailbox[2].port: 70000 is out of range"))
    }

    @Test func unknownKeyIsATypoWithASuggestion() throws {
        let error = try #require(rejection(validMailbox + "own_adresses = [\"x@example.com\"]\n"))
        #expect(error.kind == .unknownKey)
        #expect(error.keyPath == "mailbox[1].own_adresses")
        #expect(error.line == 7)
        #expect(error.fix.contains("did you mean \"own_addresses\"?"))
    }

    @Test func unknownKeyFarFromAnyKnownOneListsTheKnownKeys() throws {
        let error = try #require(rejection(validMailbox + "colour = \"blue\"\n"))
        #expect(error.kind == .unknownKey)
        #expect(!error.fix.contains("did you mean"))
        #expect(error.fix.contains("own_addresses"))
    }

    @Test func unknownTopLevelTableIsRejected() throws {
        let error = try #require(rejection(validMailbox + "[smpt]\nhost = \"x\"\n"))
        #expect(error.keyPath == "smpt")
        #expect(error.fix.contains("did you mean \"smtp\"?"))
    }

    @Test func passwordKeyIsRefusedWithWhereSecretsGo() throws {
        for table in ["", "[mailbox.smtp]\nhost = \"smtp.example.com\"\n"] {
            let error = try #require(rejection(validMailbox + table + "password = \"hunter2\"\n"))
            #expect(error.kind == .secretInFile)
            #expect(error.keyPath?.hasSuffix(".password") == true)
            #expect(error.fix.contains("password_file"))
            #expect(error.fix.contains("password_credential"))
        }
    }

    @Test func missingRequiredKeyNamesItAndHowToAddIt() throws {
        let error = try #require(
            rejection(validMailbox.replacingOccurrences(of: "host = \"imap.example.com\"\n", with: "")))
        #expect(error.kind == .missingKey)
        #expect(error.keyPath == "mailbox[1].host")
        #expect(error.line == 1, "a missing key points at its table")
        #expect(error.fix.contains("add host = "))
    }

    @Test func missingSecretSaysWhichKeysCanHoldIt() throws {
        let error = try #require(
            rejection(validMailbox.replacingOccurrences(of: "password_file = \"/etc/tact/pw\"\n", with: "")))
        #expect(error.kind == .missingKey)
        #expect(error.fix.contains("password_file") && error.fix.contains("password_credential"))
    }

    @Test func twoSecretSourcesAreAmbiguous() throws {
        let error = try #require(
            rejection(
                validMailbox + "password_credential = \"pw\"\n", environment: ["CREDENTIALS_DIRECTORY": "/run/c"]))
        #expect(error.kind == .invalidValue)
        #expect(error.problem.contains("password_file and password_credential"))
    }

    @Test func wrongTypeSaysWhatWasExpectedAndFound() throws {
        let error = try #require(rejection(validMailbox + "port = \"993\"\n"))
        #expect(error.kind == .wrongType)
        #expect(error.keyPath == "mailbox[1].port")
        #expect(error.problem == "expected an integer, found a string")
        #expect(error.fix.contains("no quotes"))
    }

    @Test func singleBracketMailboxIsExplained() throws {
        let error = try #require(rejection(validMailbox.replacingOccurrences(of: "[[mailbox]]", with: "[mailbox]")))
        #expect(error.kind == .wrongType)
        #expect(error.fix.contains("[[mailbox]]"))
    }

    @Test func duplicateMailboxNamesPointAtTheSecond() throws {
        let error = try #require(rejection(validMailbox + validMailbox))
        #expect(error.kind == .duplicate)
        #expect(error.keyPath == "mailbox[2].name")
        #expect(error.line == 8)
        #expect(error.problem.contains("mailbox[1]"))
    }

    @Test func relativeSecretPathIsRejected() throws {
        let error = try #require(rejection(validMailbox.replacingOccurrences(of: "/etc/tact/pw", with: "secrets/pw")))
        #expect(error.kind == .invalidValue)
        #expect(error.keyPath == "mailbox[1].password_file")
        #expect(error.fix.contains("'/'"))
    }

    @Test func plaintextOffLoopbackIsInsecure() throws {
        let error = try #require(rejection(validMailbox + "security = \"plain\"\n"))
        #expect(error.kind == .insecure)
        #expect(error.keyPath == "mailbox[1].security")
        #expect(error.fix.contains("\"tls\""))
    }

    @Test func plaintextAndUnverifiedTLSAreAllowedToLoopback() throws {
        let toml =
            validMailbox.replacingOccurrences(of: "imap.example.com", with: "127.0.0.1")
            + "security = \"plain\"\n[mailbox.smtp]\nhost = \"localhost\"\ninsecure_skip_verify = true\n"
        let box = try TactConfiguration.parse(toml: toml, source: "t", environment: [:]).mailboxes[0]
        #expect(box.endpoint.security == .plaintext)
        #expect(box.smtp?.endpoint.insecureSkipVerify == true)
    }

    @Test func skippingCertificateChecksOffLoopbackIsInsecure() throws {
        let error = try #require(rejection(validMailbox + "insecure_skip_verify = true\n"))
        #expect(error.kind == .insecure)
        #expect(error.fix.contains("ca_file"))
    }

    @Test func unknownSecurityModeListsTheValidOnes() throws {
        let error = try #require(rejection(validMailbox + "security = \"ssl\"\n"))
        #expect(error.keyPath == "mailbox[1].security")
        #expect(error.fix.contains("\"tls\", \"starttls\" or \"plain\""))
    }

    @Test func oauth2WithPasswordFileIsAMismatch() throws {
        let error = try #require(rejection(validMailbox + "auth = \"oauth2\"\n"))
        #expect(error.keyPath == "mailbox[1].password_file")
        #expect(error.fix.contains("token_file"))
    }

    @Test func ownAddressMustBeAPlainAddress() throws {
        let toml = validMailbox.replacingOccurrences(
            of: "[\"support@example.com\"]", with: "[\"support@example.com\", \"Support <s@example.com>\"]")
        let error = try #require(rejection(toml))
        #expect(error.keyPath == "mailbox[1].own_addresses[2]")
    }

    @Test func noMailboxAtAllIsAMissingKey() throws {
        let error = try #require(rejection("[smtp]\nhost = \"smtp.example.com\"\n"))
        #expect(error.kind == .missingKey)
        #expect(error.keyPath == "mailbox")
    }

    @Test func syntaxErrorCarriesTheParsersLine() throws {
        let error = try #require(rejection(validMailbox + "folder = \"INBOX\n"))
        #expect(error.kind == .syntax)
        #expect(error.line == 7)
    }

    @Test func smtpTableErrorsNameTheirPath() throws {
        let error = try #require(rejection(validMailbox + "[mailbox.smtp]\nhost = \"smtp.example.com\"\nport = 0\n"))
        #expect(error.keyPath == "mailbox[1].smtp.port")
        #expect(error.line == 9)
    }

    /// Every way a secret could be mistyped into the file: none may echo it.
    @Test func noErrorEverShowsTheSecret() throws {
        let secret = "Tr0ub4dor&3-secret"
        let attempts = [
            validMailbox + "password = \"\(secret)\"\n",
            validMailbox + "token = \"\(secret)\"\n",
            validMailbox + "[smtp]\nhost = \"smtp.example.com\"\npass = \"\(secret)\"\n",
            validMailbox.replacingOccurrences(of: "/etc/tact/pw", with: secret),
            validMailbox.replacingOccurrences(
                of: "password_file = \"/etc/tact/pw\"", with: "password_credential = \"\(secret)/x\""),
            validMailbox + "password = \"\(secret)",
            validMailbox + "password = \(secret)\n",
            validMailbox + "password_file = [\"\(secret)\"]\n",
        ]
        for toml in attempts {
            let error = try #require(rejection(toml, environment: ["CREDENTIALS_DIRECTORY": "/run/c"]))
            for text in [
                error.description, String(describing: error), String(reflecting: error), error.problem, error.fix,
            ] {
                #expect(!text.contains(secret), "secret leaked: \(text)")
                #expect(!text.contains("Tr0ub4dor"), "part of the secret leaked: \(text)")
            }
        }
    }
}

import Foundation
import TactTestSupport
import Testing

@Suite struct ConfigCheckTests {
    /// A config file and its password file in a fresh temp dir.
    static func withConfig(
        _ extra: String = "", body: (_ directory: TemporaryDirectory, _ path: String) throws -> Void
    )
        throws
    {
        let directory = try TemporaryDirectory(prefix: "tact-config-check")
        defer { directory.remove() }
        let secretPath = directory.path + "/imap-password"
        try "correct-horse-battery\n".write(toFile: secretPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretPath)
        let toml = """
            [[mailbox]]
            name = "support"
            host = "imap.example.com"
            user = "support@example.com"
            password_file = "\(secretPath)"
            own_addresses = ["support@example.com"]
            \(extra)

            """
        let path = directory.path + "/tact.toml"
        try toml.write(toFile: path, atomically: true, encoding: .utf8)
        try body(directory, path)
    }

    @Test func validFileIsSummarisedWithoutItsSecret() throws {
        try Self.withConfig("[mailbox.smtp]\nhost = \"smtp.example.com\"\nsecurity = \"starttls\"") { _, path in
            let result = try TactBinary.run(["config", "check", "--config", path])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.contains("configuration: \(path)"))
            #expect(result.stdout.contains("mailbox support:"))
            #expect(result.stdout.contains("imap.example.com:993 security=tls user=support@example.com"))
            #expect(result.stdout.contains("smtp: smtp.example.com:587 security=starttls (no login)"))
            #expect(result.stdout.hasSuffix("valid\n"))
            #expect(!(result.stdout + result.stderr).contains("correct-horse"))
        }
    }

    @Test func aSecretFileEveryUserCanReadIsRefusedWithTheFix() throws {
        try Self.withConfig { directory, path in
            let secret = directory.path + "/imap-password"
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret)
            let result = try TactBinary.run(["config", "check", "--config", path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("can be read or changed by every user"))
            #expect(result.stderr.contains("chmod o-rwx \(secret)"))
            #expect(!(result.stdout + result.stderr).contains("correct-horse"))
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: secret)
            #expect(try TactBinary.run(["config", "check", "--config", path]).status == 0)
        }
    }

    @Test func invalidFileExitsTwoNamingKeyLineAndFix() throws {
        try Self.withConfig("port = 70000") { _, path in
            let result = try TactBinary.run(["config", "check", "--config", path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(path):7: mailbox[1].port: 70000 is out of range"))
            #expect(result.stderr.contains("between 1 and 65535"))
        }
    }

    @Test func passwordWrittenInTheFileIsRefusedAndNotEchoed() throws {
        try Self.withConfig("password = \"hunter2-in-file\"") { _, path in
            let result = try TactBinary.run(["config", "check", "--config", path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("password_file"))
            #expect(!(result.stdout + result.stderr).contains("hunter2"))
        }
    }

    @Test func configFromTheEnvironmentVariableIsUsedAndNamed() throws {
        try Self.withConfig { _, path in
            let result = try TactBinary.run(
                ["config", "check"], environment: ["TACT_CONFIG": path, "PATH": "/usr/bin:/bin"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stdout.hasPrefix("configuration: \(path)\n"))
        }
    }

    @Test func unreadableSecretFileFailsTheCheck() throws {
        try Self.withConfig { directory, path in
            try FileManager.default.removeItem(atPath: directory.path + "/imap-password")
            let result = try TactBinary.run(["config", "check", "--config", path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(directory.path)/imap-password"))
        }
    }
}

import Foundation
import TactTestSupport
import Testing

/// The repository root, found from this file.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite struct TemplatesCommandTests {
    /// A copy of the shipped templates in a scratch folder.
    func scratchTemplates() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory(prefix: "tact-templates")
        for file in try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("templates").path)
        where file.hasSuffix(".mustache") {
            try FileManager.default.copyItem(
                at: repositoryRoot.appendingPathComponent("templates/\(file)"), to: directory.url.appendingPathComponent(file))
        }
        return directory
    }

    @Test func theShippedTemplatesPassTheCheck() throws {
        let result = try TactBinary.run(["templates", "check", "--templates", repositoryRoot.appendingPathComponent("templates").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("9 templates OK (144 renders checked)"))
    }

    @Test func aTypoFailsTheCheckNamingFileAndLine() throws {
        let directory = try scratchTemplates()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("refund.mustache")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "{{greeting}}", with: "Hi {{frist_name}},")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try TactBinary.run(["templates", "check", "--templates", directory.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("refund.mustache:3: unknown variable {{frist_name}}: did you mean {{first_name}}?"))
    }

    @Test func aDiscourteousTemplateFailsTheCheckWithTheRule() throws {
        let directory = try scratchTemplates()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("billing.mustache")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
            of: "Questions about charges deserve a careful answer",
            with: "We are very busy at the moment, but questions about charges deserve a careful answer")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try TactBinary.run(["templates", "check", "--templates", directory.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("billing.mustache: warning busy-excuse"))
        // Every case of the matrix renders the sentence, so every case reports it.
        #expect(result.stdout.components(separatedBy: "busy-excuse").count - 1 == 16)
    }

    @Test func aMissingFolderIsAUsageErrorWithTheFix() throws {
        let result = try TactBinary.run(["templates", "check", "--templates", "/nonexistent/templates"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/templates"))
    }

    @Test func previewRendersForASampleCustomer() throws {
        let result = try TactBinary.run(["templates", "preview", "complaint", "--templates", repositoryRoot.appendingPathComponent("templates").path])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Subject: Re: Question about my order\n\nHi Jane,\n"))
        #expect(result.stdout.contains("order #48213"))
        let unknown = try TactBinary.run(["templates", "preview", "nope", "--templates", repositoryRoot.appendingPathComponent("templates").path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("complaint"))
    }

    @Test func previewFillsTheTemplateFromARealMail() throws {
        let result = try TactBinary.run([
            "templates", "preview", "refund", "--templates", repositoryRoot.appendingPathComponent("templates").path,
            "--mail", repositoryRoot.appendingPathComponent("demo/mail/02-refund.eml").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("Subject: Re: Refund for the broken kettle\n\nHi Liam,\n"))
        #expect(result.stdout.contains("order 5521-88"))
        let missing = try TactBinary.run(["templates", "preview", "refund", "--mail", "/nonexistent.eml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent.eml"))
    }

    @Test func editInstallsAPassingChange() throws {
        let directory = try scratchTemplates()
        defer { directory.remove() }
        // A scripted editor: replaces one sentence in the file it is given.
        let editor = directory.url.appendingPathComponent("editor.sh")
        try "#!/bin/sh\nsed -i 's/Thank you for your question/Thank you very much for your question/' \"$1\"\n"
            .write(to: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        var environment = ProcessInfo.processInfo.environment
        environment["EDITOR"] = editor.path
        environment["VISUAL"] = nil
        let result = try TactBinary.run(["templates", "edit", "question", "--templates", directory.path], environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let installed = try String(contentsOf: directory.url.appendingPathComponent("question.mustache"), encoding: .utf8)
        #expect(installed.contains("Thank you very much for your question"))
    }

    @Test func editKeepsTheOldTemplateWhenTheNewOneFails() throws {
        let directory = try scratchTemplates()
        defer { directory.remove() }
        let before = try String(contentsOf: directory.url.appendingPathComponent("question.mustache"), encoding: .utf8)
        let editor = directory.url.appendingPathComponent("editor.sh")
        try "#!/bin/sh\nsed -i 's/{{greeting}}/Hi {{frist_name}},/' \"$1\"\n".write(to: editor, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        var environment = ProcessInfo.processInfo.environment
        environment["EDITOR"] = editor.path
        environment["VISUAL"] = nil
        // Asked whether to edit again, the user answers "n".
        let result = try TactBinary.run(
            ["templates", "edit", "question", "--templates", directory.path], input: Data("n\n".utf8), environment: environment)
        #expect(result.status == 1)
        #expect(result.stdout.contains("unknown variable {{frist_name}}"))
        #expect(result.stdout.contains("\(directory.path)/question.mustache:3"))
        #expect(result.stdout.contains("the old one stays"))
        let after = try String(contentsOf: directory.url.appendingPathComponent("question.mustache"), encoding: .utf8)
        #expect(after == before)
    }

    @Test func editWithoutAnEditorSaysHowToSetOne() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["EDITOR"] = nil
        environment["VISUAL"] = nil
        let result = try TactBinary.run(
            ["templates", "edit", "question", "--templates", repositoryRoot.appendingPathComponent("templates").path],
            environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains("$EDITOR"))
    }
}

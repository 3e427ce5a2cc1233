import Foundation
import TactTestSupport
import Testing

@testable import Drafting

/// A template may only say what is written in it: nothing in it, nor the templates folder, can make
/// Tact read another file.
@Suite struct TemplateEscapeTests {
    func problem(_ text: String) -> TemplateError? {
        do {
            _ = try ReplyTemplate(name: "t", file: "t.mustache", text: text)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        "{{>../../etc/passwd}}", "{{> ../secrets/imap-password }}", "{{>*dynamic}}", "{{#has_first_name}}{{> /etc/shadow}}{{/has_first_name}}",
        "{{<../layout}}{{/../layout}}", "{{$block}}x{{/block}}", "{{{> /etc/passwd}}}", "{{&> /etc/passwd}}",
        "{{ >/etc/passwd }}", "{{\t> /etc/passwd}}",
    ])
    func everySpellingOfAPartialOrParentIsRefused(_ tag: String) {
        let error = problem("Subject: x\n\nHello\n\(tag)\n")
        #expect(error != nil, "\(tag) must be refused")
    }

    @Test func aTemplateThatLinksOutOfTheFolderIsRefusedAndNotRead() throws {
        let directory = try TemporaryDirectory(prefix: "tact-templates")
        defer { directory.remove() }
        let folder = directory.path + "/templates"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in TemplateLibrary.requiredNames {
            try FileManager.default.copyItem(atPath: "\(shippedTemplates)/\(name).mustache", toPath: "\(folder)/\(name).mustache")
        }
        #expect(throws: Never.self) { try TemplateLibrary(directory: folder) }
        // A secret beside the folder, and a template that is a link to it.
        let secret = directory.path + "/imap-password"
        try "Subject: {{reply_subject}}\n\nhunter2-secret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: "\(folder)/praise.mustache")
        try FileManager.default.createSymbolicLink(atPath: "\(folder)/praise.mustache", withDestinationPath: "../imap-password")
        do {
            _ = try TemplateLibrary(directory: folder)
            Issue.record("a template linking out of the folder must be refused")
        } catch {
            let problem = try #require(error.problems.first { $0.file.hasSuffix("praise.mustache") })
            #expect(problem.message.contains("outside the templates folder"))
            #expect(!error.problems.contains { $0.message.contains("hunter2") })
        }
        // A link that stays inside the folder is fine.
        try FileManager.default.removeItem(atPath: "\(folder)/praise.mustache")
        try FileManager.default.createSymbolicLink(atPath: "\(folder)/praise.mustache", withDestinationPath: "question.mustache")
        #expect(throws: Never.self) { try TemplateLibrary(directory: folder) }
    }
}

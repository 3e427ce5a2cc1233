import Configuration
import Foundation
import Store
import TactTestSupport
import Testing

@testable import Daemon

@Suite struct PipelineTests {
    let shippedConfig = repository.appendingPathComponent("config/tact.toml").path

    func configuration(_ edit: (inout TactConfiguration) -> Void = { _ in }) throws -> TactConfiguration {
        var configuration = try TactConfiguration.parse(
            toml: try String(contentsOfFile: shippedConfig, encoding: .utf8), source: shippedConfig, environment: [:])
        edit(&configuration)
        return configuration
    }

    @Test func theShippedConfigurationBuildsAWorkingProcessor() throws {
        let directory = try TemporaryDirectory(prefix: "tact-pipeline")
        defer { directory.remove() }
        let configuration = try configuration()
        let store = try SQLiteStore(path: directory.url.appendingPathComponent("tact.sqlite").path)
        let processor = try Pipeline.processor(
            for: configuration.mailboxes[0], configuration: configuration, shared: try Pipeline.shared(configuration), store: store)
        let now = Date(timeIntervalSince1970: 1_795_428_000)
        guard case .recorded(.drafted, _, let draftID?, _) = try processor.process(
            try demoMail("02-refund.eml"), at: MessageLocation(mailbox: "support", uidValidity: 1, uid: 1), arrival: now, now: now),
            let draft = try store.draft(id: draftID)
        else {
            Issue.record("expected a draft")
            return
        }
        // Signed by the configured agent, with the configured team.
        #expect(draft.draft.body.contains("Marta Keller\nSupport at Example"))
    }

    @Test func brokenTemplatesStopTheStartWithTheFileNamed() throws {
        let templates = try TemporaryDirectory(prefix: "tact-pipeline")
        defer { templates.remove() }
        try "Subject: x\n\nHi {{frist_name}}\n".write(
            to: templates.url.appendingPathComponent("complaint.mustache"), atomically: true, encoding: .utf8)
        let configuration = try configuration { $0.drafting.templatesDirectory = templates.path }
        do {
            _ = try Pipeline.shared(configuration)
            Issue.record("broken templates must stop the start")
        } catch let error as StartupError {
            #expect(error.description.contains("complaint.mustache:3"))
        }
    }

    @Test func aBrokenRulePackStopsTheStart() throws {
        let directory = try TemporaryDirectory(prefix: "tact-pipeline")
        defer { directory.remove() }
        let rules = directory.url.appendingPathComponent("courtesy.toml")
        try "[[rule]]\nid = 'x'\nkind = 'no-such-kind'\n".write(to: rules, atomically: true, encoding: .utf8)
        let configuration = try configuration { $0.drafting.rulesFile = rules.path }
        #expect(throws: StartupError.self) { try Pipeline.shared(configuration) }
    }
}

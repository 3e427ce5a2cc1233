import ArgumentParser
import Configuration
import Courtesy
import Daemon
import Foundation
import MailParsing
import Store
import Triage

extension Queue {
    /// `tact queue edit ID`: change a draft's text by hand.
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit a queued draft in $EDITOR; it is linted again on save and the findings are shown.",
            discussion: "If the editor exits with an error, nothing changes. Approval still refuses error-level findings.")
        @OptionGroup var location: Location
        @OptionGroup var actor: Actor
        @Argument(help: "The draft's id.") var id: Int64

        func run() throws {
            let configuration = try loadConfiguration(self.location.configFile)
            let editor = try editorCommand(for: "tact queue edit \(self.id)")
            let store = try self.location.open()
            guard let draft = try store.draft(id: self.id), let stored = try store.message(rowID: draft.messageRowID) else {
                throw CLIError("there is no draft \(self.id): `tact queue list` shows the ids")
            }
            guard draft.state == .queued else {
                print("not changed: draft \(self.id) is \(draft.state.rawValue); only queued drafts can be edited")
                throw ExitCode(1)
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("tact-draft-\(self.id)-\(getpid()).txt")
            try draft.draft.body.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let status = try Templates.Edit.runEditor(editor, file: file.path)
            guard status == 0 else {
                print("the editor exited with status \(status): the draft was not changed")
                throw ExitCode(1)
            }
            let body = try String(contentsOf: file, encoding: .utf8)
            guard body != draft.draft.body else {
                print("no change")
                return
            }
            // Lint with the context of the customer's mail, as the daemon did.
            let message = stored.message
            let signals = Signals(subject: message.subject ?? "", text: message.customerText ?? "")
            let context = LintContext(
                category: message.category, sentiment: signals.sentiment.rawValue,
                firstName: message.senderName.flatMap { FirstName.fromDisplayName($0, address: message.sender ?? "") },
                askedHowAreYou: signals.asksHowAreYou)
            let linter: Linter
            do {
                linter = Linter(pack: try RulePack.locate(explicitFile: configuration.drafting.rulesFile).pack)
            } catch {
                throw CLIError("\(error)")
            }
            let findings = linter.lint(body, context: context)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var revised = draft.draft
            revised.body = body
            revised.findingsJSON = String(decoding: try encoder.encode(findings), as: UTF8.self)
            do {
                _ = try store.revise(draft: self.id, to: revised, category: message.category ?? "question", actor: self.actor.resolved,
                                     detail: "edited by hand")
            } catch let error as StoreError where error.kind == .conflict {
                print("not changed: \(error.description)")
                throw ExitCode(1)
            }
            print("draft \(self.id) saved")
            print(LintReport.readable(findings, draft: body), terminator: "")
        }
    }
}

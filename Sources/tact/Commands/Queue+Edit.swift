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
            guard let draft = try store.draft(id: self.id) else {
                throw CLIError("there is no draft \(self.id): `tact queue list` shows the ids")
            }
            try Queue.reporting {
                _ = try Queue.edit(draft, in: store, editor: editor, configuration: configuration, actor: self.actor.resolved)
            }
        }
    }

    /// Opens `editor` on the draft's text; on save, lints it again with the customer's context (as
    /// the daemon did), stores it and prints the findings. Returns whether the text changed.
    /// Refused (`NotChanged`) when the editor fails or the draft is no longer queued.
    static func edit(
        _ draft: StoredDraft, in store: SQLiteStore, editor: String, configuration: TactConfiguration, actor: String
    ) throws -> Bool {
        guard draft.state == .queued else {
            throw NotChanged("not changed: \(Queue.alreadyHandled(draft, in: store)); only queued drafts can be edited")
        }
        guard let stored = try store.message(rowID: draft.messageRowID) else {
            throw CLIError("there is no draft \(draft.id): `tact queue list` shows the ids")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tact-draft-\(draft.id)-\(getpid()).txt")
        try draft.draft.body.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let status = try Templates.Edit.runEditor(editor, file: file.path)
        guard status == 0 else {
            throw NotChanged("the editor exited with status \(status): the draft was not changed")
        }
        let body = try String(contentsOf: file, encoding: .utf8)
        guard body != draft.draft.body else {
            print("no change")
            return false
        }
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
            _ = try store.revise(draft: draft.id, to: revised, category: message.category ?? "question", actor: actor,
                                 detail: "edited by hand")
        } catch let error as StoreError where error.kind == .conflict {
            throw NotChanged(error.description)
        }
        print("draft \(draft.id) saved")
        Queue.wakeOutbox(store)
        print(LintReport.readable(findings, draft: body), terminator: "")
        return true
    }
}

import ArgumentParser
import Configuration
import Daemon
import Drafting
import Foundation
import MailParsing
import Store
import Triage

extension Queue {
    /// `tact queue recategorize ID CATEGORY`: a reviewer says what the mail is really about.
    struct Recategorize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-draft a queued item from another category's template, and record the correction for training.",
            discussion: """
                The draft is rendered again from CATEGORY's template (with that category's response target) and \\
                linted again. The customer's mail is saved as a labelled example under \\
                <state_dir>/corrections/CATEGORY/, which `tact train --corrections <state_dir>/corrections` includes.
                """)
        @OptionGroup var location: Location
        @OptionGroup var actor: Actor
        @Argument(help: "The draft's id.") var id: Int64
        @Argument(help: "The right category, e.g. refund.") var category: String

        func run() throws {
            let configuration = try loadConfiguration(self.location.configFile)
            let store = try self.location.open()
            guard let draft = try store.draft(id: self.id), let stored = try store.message(rowID: draft.messageRowID) else {
                throw CLIError("there is no draft \(self.id): `tact queue list` shows the ids")
            }
            guard draft.state == .queued else {
                print("not changed: draft \(self.id) is \(draft.state.rawValue); only queued drafts can be recategorized")
                throw ExitCode(1)
            }
            let message = stored.message
            let shared: Pipeline.Shared
            do { shared = try Pipeline.shared(configuration) } catch { throw CLIError("\(error)") }
            guard shared.templates.templates[self.category] != nil, self.category != "uncertain" else {
                let known = shared.templates.templates.keys.filter { $0 != "uncertain" }.sorted()
                throw CLIError("\(self.category) is not a category with a template: choose one of \(known.joined(separator: ", "))")
            }
            guard let mailbox = configuration.mailbox(named: message.mailbox) ?? configuration.mailbox(named: nil) else {
                throw CLIError("no mailbox in \(configuration.source)")
            }
            // The customer's mail as far as the store keeps it: sender, subject, their own words.
            let example = Self.example(message)
            let inbound: InboundMessage
            do { inbound = try MailParser().parse(example) } catch { throw CLIError("cannot rebuild the message: \(error)") }
            var classification = shared.classifier.classify(subject: inbound.subject, text: inbound.text.wordsToClassify)
            classification.category = Category(self.category)
            classification.uncertain = false
            let drafter = try Pipeline.drafter(for: mailbox, configuration: configuration, shared: shared)
            let redrafted = try drafter.draft(
                inbound, classification: classification, arrival: message.receivedAt, now: Date(),
                ticket: "T-\(message.uidValidity)-\(message.uid)")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let findings = String(decoding: try encoder.encode(redrafted.findings), as: UTF8.self)
            do {
                _ = try store.revise(
                    draft: self.id,
                    to: NewDraft(
                        template: redrafted.template, subject: redrafted.subject, body: redrafted.body, findingsJSON: findings,
                        promisedBy: redrafted.promisedBy),
                    category: self.category, actor: self.actor.resolved,
                    detail: "from \(message.category ?? "?") to \(self.category)")
            } catch let error as StoreError where error.kind == .conflict {
                print("not changed: \(error.description)")
                throw ExitCode(1)
            }
            Queue.wakeOutbox(store)
            // The labelled example for the next training.
            let folder = (configuration.daemon.stateDirectory as NSString).appendingPathComponent("corrections/\(self.category)")
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o770])
                // Customer text: owner and group only, whatever the reviewer's umask.
                let file = URL(fileURLWithPath: folder).appendingPathComponent("message-\(stored.id).eml").path
                try example.write(to: URL(fileURLWithPath: file))
                try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file)
            } catch {
                throw CLIError("the draft was recategorized, but the correction could not be saved in \(folder): \(error.localizedDescription)")
            }
            print("draft \(self.id) is now \(self.category) (template \(redrafted.template), \(redrafted.findings.count) finding(s)); "
                + "the correction is saved for training")
        }

        /// A minimal RFC 5322 message from what the store keeps; header values are single lines.
        static func example(_ message: IncomingMessage) -> Data {
            func clean(_ text: String?) -> String {
                (text ?? "").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            }
            let name = clean(message.senderName).replacingOccurrences(of: "\"", with: "")
            let from = name.isEmpty ? clean(message.sender) : "\"\(name)\" <\(clean(message.sender))>"
            var text = "From: \(from)\nSubject: \(clean(message.subject))\n"
            if let id = message.messageID { text += "Message-ID: <\(clean(id).trimmingCharacters(in: CharacterSet(charactersIn: "<>")))>\n" }
            text += "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            text += (message.customerText ?? "") + "\n"
            return Data(text.utf8)
        }
    }
}

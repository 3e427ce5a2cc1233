import Configuration
import Courtesy
import Drafting
import Foundation
import MailParsing
import Store
import Triage

/// A problem that stops the service from starting: it names the file or key and the fix.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Builds the stages of one mailbox from the configuration. Everything that can be wrong with the
/// files (templates, rule pack, customer directory, model) is found here, before any mail is read.
public enum Pipeline {
    /// The shared, mailbox-independent parts: loaded once per (re)load.
    public struct Shared: Sendable {
        public let templates: TemplateLibrary
        public let linter: Linter
        public let classifier: Classifier
        public let customers: CustomerDirectory?
    }

    public static func shared(_ configuration: TactConfiguration) throws -> Shared {
        let drafting = configuration.drafting
        let templates: TemplateLibrary
        do {
            templates = try TemplateLibrary(directory: drafting.templatesDirectory)
        } catch {
            throw StartupError("the reply templates have problems:\n\(error)\nfix them (`tact templates check`)")
        }
        let pack: RulePack
        do {
            pack = try RulePack.locate(explicitFile: drafting.rulesFile).pack
        } catch {
            throw StartupError("the courtesy rule pack is invalid: \(error)")
        }
        var customers: CustomerDirectory?
        if let path = drafting.customersFile {
            do {
                customers = try CustomerDirectory(path: path)
            } catch {
                throw StartupError("the customer directory is invalid: \(error)")
            }
        }
        let classifier: Classifier
        do {
            classifier = try Classifier.shipped()
        } catch {
            throw StartupError("the classifier model cannot be loaded: \(error); reinstall tact")
        }
        return Shared(templates: templates, linter: Linter(pack: pack), classifier: classifier, customers: customers)
    }

    /// The drafter for one mailbox: its signer and reply address, the team's hours and targets.
    public static func drafter(for mailbox: MailboxConfiguration, configuration: TactConfiguration, shared: Shared) throws
        -> Drafter
    {
        let from: MailAddress
        do {
            from = try MailAddress(name: mailbox.teamName, address: mailbox.replyFrom)
        } catch {
            throw StartupError("mailbox \(mailbox.name): reply_from: \(error)")
        }
        let settings = DraftingSettings(
            from: from,
            agent: AgentIdentity(name: mailbox.agentName ?? mailbox.teamName, signature: mailbox.signature, team: mailbox.teamName),
            businessHours: configuration.drafting.businessHours, targets: configuration.drafting.targets,
            customers: shared.customers)
        return Drafter(templates: shared.templates, linter: shared.linter, settings: settings)
    }

    /// The processor for one mailbox.
    public static func processor(
        for mailbox: MailboxConfiguration, configuration: TactConfiguration, shared: Shared, store: any MessageStore
    ) throws -> MessageProcessor {
        let daemon = configuration.daemon
        var processor = MessageProcessor(
            parser: MailParser(limits: {
                var limits = ParseLimits.default
                limits.maxBytes = mailbox.maxMessageBytes
                return limits
            }()),
            suppression: SuppressionPolicy(ownAddresses: mailbox.ownAddresses),
            classifier: shared.classifier,
            drafter: try Self.drafter(for: mailbox, configuration: configuration, shared: shared),
            policy: AcknowledgementPolicy(senderWindow: .seconds(daemon.senderWindowHours * 3600), hourlyCap: daemon.hourlyCap),
            store: store)
        if mailbox.markQueued { processor.draftSteps.append(.keyword(MailboxConfiguration.queuedKeyword)) }
        if mailbox.mode == .draftsFolder { processor.draftSteps.append(.appendDraft(folder: mailbox.draftsFolder)) }
        if mailbox.mode == .auto { processor.autoApproveAt = mailbox.autoMinConfidence }
        return processor
    }
}

import ArgumentParser
import Configuration
import Courtesy
import Drafting
import Foundation
import MailParsing
import Triage

/// `tact draft MAIL.eml`: the reply Tact would queue for one message, with its lint findings.
struct DraftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Show the reply Tact would draft for one message, with its courtesy findings.",
        discussion: """
            Parses the message, stops if it is machine mail (exit 1, with the reason), classifies it, \
            renders the category's template (or the open question when unsure), computes the promised \
            time from business hours, builds the complete reply and lints it. --now makes the promise \
            reproducible. Signer, reply address, business hours, response targets, templates and rules come \
            from the configuration (--config, else the usual lookup) for --mailbox (default: the first); \
            the flags below override them. Without any configuration the reply comes from the address the \
            mail was sent to.
            """)

    @Argument(help: "The raw message file, or '-' for standard input.") var file: String
    @Flag(help: "Print {\"headers\", \"body\", \"template\", \"findings\"} as JSON.") var json = false
    @Option(help: "The moment of drafting, ISO 8601 (e.g. 2026-11-23T10:00:00Z); default: now.") var now: String?
    @Option(help: "The configured mailbox whose settings to use (default: the first).") var mailbox: String?
    @Option(help: "The person who signs the reply.") var agent: String?
    @Option(help: "The team's name under the signature.") var team: String?
    @Option(name: .customLong("from"), help: "The address replies come from (default: the address the mail was sent to).")
    var fromAddress: String?
    @Option(name: .customLong("time-zone"), help: "The team's time zone (IANA name).") var timeZone: String?
    @Option(name: .customLong("customers"), help: "A customer directory CSV (email,name,customer_since,tier).")
    var customersFile: String?
    @Option(name: .customLong("own-address"), help: "One of our own addresses (repeatable).") var ownAddresses: [String] = []
    @OptionGroup var location: Templates.Location
    @Option(name: .customLong("rules"), help: "A courtesy rule pack layered over the default.") var rulesFile: String?

    func run() throws {
        let clock: Date
        if let text = self.now {
            guard let parsed = ISO8601DateFormatter().date(from: text) else {
                throw CLIError("--now \(text) is not an ISO 8601 time: write it like 2026-11-23T10:00:00Z")
            }
            clock = parsed
        } else {
            clock = Date()
        }
        let configuration = try self.location.configuration()
        var mailbox: MailboxConfiguration?
        if let configuration {
            mailbox = configuration.mailbox(named: self.mailbox)
            guard mailbox != nil else {
                throw CLIError("no mailbox \(self.mailbox ?? "") in \(configuration.source): choose one of \(configuration.mailboxes.map(\.name).joined(separator: ", "))")
            }
        } else if let name = self.mailbox {
            throw CLIError("--mailbox \(name) needs a configuration: pass --config FILE")
        }
        let drafting = configuration?.drafting
        var hours = drafting?.businessHours ?? .weekdays9to5(timeZone: .gmt)
        if let name = self.timeZone {
            guard let zone = TimeZone(identifier: name) else {
                throw CLIError("--time-zone \(name) is not a time zone: use an IANA name such as Europe/Berlin")
            }
            hours = try BusinessHours(timeZone: zone, week: hours.week, holidays: hours.holidays)
        }
        let data = try readInput(self.file)
        let message: InboundMessage
        do {
            message = try MailParser().parse(data)
        } catch {
            throw CLIError("\(self.file): \(error)")
        }
        let ownAddresses = self.ownAddresses + (mailbox?.ownAddresses ?? [])
        if let suppression = SuppressionPolicy(ownAddresses: ownAddresses).evaluate(message) {
            print("not drafted: machine mail (\(suppression.reason.rawValue): \(suppression.detail)); Tact never answers it")
            throw ExitCode(1)
        }
        let classifier = try Classifier.shipped()
        let classification = classifier.classify(subject: message.subject, text: message.text.wordsToClassify)
        let templates = try self.location.load()
        let pack: RulePack
        do {
            pack = try RulePack.locate(explicitFile: self.rulesFile ?? drafting?.rulesFile).pack
        } catch {
            throw CLIError("\(error)")
        }
        let team = self.team ?? mailbox?.teamName ?? "Customer support"
        let agent = self.agent ?? mailbox?.agentName ?? team
        let fromAddress = self.fromAddress ?? mailbox?.replyFrom ?? message.to.first?.address ?? "support@example.com"
        let from: MailAddress
        do {
            from = try MailAddress(name: team, address: fromAddress)
        } catch {
            throw CLIError("--from: \(error)")
        }
        var customers: CustomerDirectory?
        if let path = self.customersFile ?? drafting?.customersFile {
            do { customers = try CustomerDirectory(path: path) } catch { throw CLIError("\(error)") }
        }
        let settings = DraftingSettings(
            from: from, agent: AgentIdentity(name: agent, signature: mailbox?.signature ?? "", team: team),
            businessHours: hours, targets: drafting?.targets ?? DraftingSettings.defaultTargets, customers: customers)
        let drafter = Drafter(templates: templates, linter: Linter(pack: pack), settings: settings)
        let arrival = min(message.date ?? clock, clock)
        let draft: Drafting.Draft
        do {
            draft = try drafter.draft(message, classification: classification, arrival: arrival, now: clock, ticket: "T-preview")
        } catch {
            throw CLIError("cannot draft a reply to \(self.file): \(error)")
        }
        if self.json {
            let output = DraftJSON(
                headers: Dictionary(draft.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
                body: draft.body, template: draft.template, findings: draft.findings)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        } else {
            for field in draft.headers { print("\(field.name): \(field.value)") }
            print("\n\(draft.body)", terminator: draft.body.hasSuffix("\n") ? "" : "\n")
            print("\n-- template \(draft.template), \(classification.category.rawValue) (confidence \(String(format: "%.2f", classification.confidence))), \(draft.findings.count) finding(s)")
            for finding in draft.findings {
                print("\(finding.line):\(finding.column) \(finding.severity.rawValue) \(finding.rule) \(finding.message)")
            }
        }
    }
}

private struct DraftJSON: Encodable {
    let headers: [String: String]
    let body: String
    let template: String
    let findings: [Finding]
}

/// Reads a file, or standard input for "-", refusing more than the parser's size cap.
func readInput(_ path: String) throws -> Data {
    let limit = ParseLimits.default.maxBytes
    do {
        let handle = path == "-" ? FileHandle.standardInput : try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { if path != "-" { try? handle.close() } }
        return try handle.read(upToCount: limit + 1) ?? Data()
    } catch {
        throw CLIError("cannot read \(path == "-" ? "standard input" : path): check the path and its permissions")
    }
}

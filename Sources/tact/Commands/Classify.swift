import ArgumentParser
import Foundation
import MailParsing
import Triage

/// `tact classify FILE.eml`: parses one message and tells what Tact makes of it.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse one message and show whether Tact would answer it, and what the customer wrote.",
        discussion: """
            Reads a raw RFC 5322 message (an .eml file, or standard input for '-') and prints the \
            sender, the customer's first name, whether the message is machine mail that is never \
            answered (and why), and the customer's own words without quoted history or signature. \
            Exits 2 when the input cannot be read as mail.
            """)

    @Argument(help: "The raw message file, or '-' for standard input.")
    var file: String

    @Flag(help: "Print one JSON object instead of a readable summary.")
    var json = false

    @Option(
        name: .customLong("own-address"),
        help: "One of our own addresses (repeatable): mail from it is never answered.")
    var ownAddresses: [String] = []

    @Option(name: .customLong("never-acknowledge"), help: "An address or domain never to acknowledge (repeatable).")
    var neverAcknowledge: [String] = []

    @Flag(help: "Also print the classifier's reasoning: evidence, signals, and why it is unsure.")
    var explain = false

    func run() throws {
        let limits = ParseLimits.default
        let data: Data
        do {
            data = try Self.read(self.file, limit: limits.maxBytes)
        } catch {
            Self.fail("cannot read \(self.file == "-" ? "standard input" : self.file): \(error.localizedDescription)")
        }
        let message: InboundMessage
        do {
            message = try MailParser(limits: limits).parse(data)
        } catch {
            Self.fail("\(self.file == "-" ? "standard input" : self.file): \(error)")
        }
        let policy = SuppressionPolicy(ownAddresses: self.ownAddresses, neverAcknowledge: self.neverAcknowledge)
        let suppression = policy.evaluate(message)
        // Machine mail is never classified: its category is "automated", decided by suppression.
        var classification: Classification?
        if suppression == nil {
            do {
                classification = try Classifier.shipped().classify(subject: message.subject, text: message.text.wordsToClassify)
            } catch {
                Self.fail("the classifier model cannot be loaded: \(error)")
            }
        }
        let report = ClassifyReport(message: message, suppression: suppression, classification: classification)
        if self.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.summary)
        }
        if self.explain {
            print("")
            print(classification?.explanation ?? "not classified: machine mail is never answered, so its category is automated")
        }
    }

    /// Reads at most `limit + 1` bytes: the parser marks anything longer as truncated without the
    /// whole of a hostile input ever sitting in memory.
    private static func read(_ path: String, limit: Int) throws -> Data {
        let handle = path == "-" ? FileHandle.standardInput : try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { if path != "-" { try? handle.close() } }
        return try handle.read(upToCount: limit + 1) ?? Data()
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("tact classify: error: \(message)\n".utf8))
        Foundation.exit(2)
    }
}

/// What `tact classify` prints. One stored property per JSON key, so the classification work
/// adds its keys here in one place; nil values are written as JSON null, never dropped.
struct ClassifyReport: Encodable {
    struct Sender: Encodable {
        let name: String?
        let address: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.name, forKey: .name)
            try container.encode(self.address, forKey: .address)
        }

        private enum CodingKeys: String, CodingKey { case name, address }
    }

    struct Bounce: Encodable {
        let failedRecipients: [String: String]
        let originalMessageID: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.failedRecipients, forKey: .failedRecipients)
            try container.encode(self.originalMessageID, forKey: .originalMessageID)
        }

        private enum CodingKeys: String, CodingKey {
            case failedRecipients = "failed_recipients"
            case originalMessageID = "original_message_id"
        }
    }

    let messageID: String?
    let from: Sender
    let firstName: String?
    let subject: String
    let automated: Bool
    let suppressedReason: String?
    let suppressedDetail: String?
    let bounce: Bounce?
    let category: String?
    let classification: Classification?
    let text: String
    let attachments: [String]
    let truncated: Bool

    init(message: InboundMessage, suppression: Suppression?, classification: Classification?) {
        self.messageID = message.messageID
        self.from = Sender(name: message.from?.name, address: message.from?.address)
        self.firstName = message.firstName
        self.subject = message.subject
        self.automated = suppression != nil
        self.suppressedReason = suppression?.reason.rawValue
        self.suppressedDetail = suppression?.detail
        self.bounce = suppression?.bounce.map { details in
            Bounce(
                failedRecipients: Dictionary(
                    details.failedRecipients.map { ($0.address, $0.status) }, uniquingKeysWith: { first, _ in first }),
                originalMessageID: details.originalMessageID)
        }
        self.classification = classification
        self.category = suppression == nil ? classification?.category.rawValue : "automated"
        self.text = message.text.ownWords
        self.attachments = message.attachments.map { "\($0.name ?? "(unnamed)") (\($0.mimeType), \($0.size) bytes)" }
        self.truncated = message.isTruncated
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.messageID, forKey: .messageID)
        try container.encode(self.from, forKey: .from)
        try container.encode(self.firstName, forKey: .firstName)
        try container.encode(self.subject, forKey: .subject)
        try container.encode(self.automated, forKey: .automated)
        try container.encode(self.suppressedReason, forKey: .suppressedReason)
        try container.encode(self.suppressedDetail, forKey: .suppressedDetail)
        try container.encode(self.bounce, forKey: .bounce)
        try container.encode(self.category, forKey: .category)
        try container.encode(self.text, forKey: .text)
        try container.encode(self.attachments, forKey: .attachments)
        try container.encode(self.truncated, forKey: .truncated)
        if let classification = self.classification {
            // confidence, runner_up, evidence, uncertain, sentiment, urgency, asks_how_are_you,
            // order_numbers, language, …: flattened into this object.
            try classification.encode(to: encoder)
        } else {
            var nulls = encoder.container(keyedBy: ClassificationKeys.self)
            for key in ClassificationKeys.allCases { try nulls.encodeNil(forKey: key) }
        }
        // Written last: the category of machine mail is "automated" whatever the classifier says.
        try container.encode(self.category, forKey: .category)
    }

    /// The classification keys, written as null for machine mail so scripts always find them.
    private enum ClassificationKeys: String, CodingKey, CaseIterable {
        case confidence, evidence, uncertain, sentiment, urgency, language
        case runnerUp = "runner_up"
        case asksHowAreYou = "asks_how_are_you"
        case orderNumbers = "order_numbers"
    }

    private enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case from
        case firstName = "first_name"
        case subject, automated
        case suppressedReason = "suppressed_reason"
        case suppressedDetail = "suppressed_detail"
        case bounce, category, text, attachments, truncated
    }

    /// The readable form printed without `--json`.
    var summary: String {
        var lines: [String] = []
        let sender = [self.from.name, self.from.address.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ")
        lines.append("From:       \(sender.isEmpty ? "(none)" : sender)")
        lines.append("First name: \(self.firstName ?? "(none)")")
        lines.append("Subject:    \(self.subject)")
        lines.append("Message-ID: \(self.messageID.map { "<\($0)>" } ?? "(none)")")
        if let reason = self.suppressedReason {
            lines.append("Automated:  yes, never answered (\(reason): \(self.suppressedDetail ?? ""))")
        } else {
            lines.append("Automated:  no")
        }
        if let bounce = self.bounce {
            for (address, status) in bounce.failedRecipients.sorted(by: { $0.key < $1.key }) {
                lines.append("Bounced:    \(address) (\(status))")
            }
            lines.append("Bounced ID: \(bounce.originalMessageID.map { "<\($0)>" } ?? "(not reported)")")
        }
        if let classification = self.classification {
            let unsure = classification.uncertain ? ", uncertain" : ""
            lines.append("Category:   \(classification.category) (confidence \(String(format: "%.2f", classification.confidence))\(unsure))")
        } else {
            lines.append("Category:   \(self.category ?? "(not classified)")")
        }
        for attachment in self.attachments { lines.append("Attachment: \(attachment)") }
        if self.truncated { lines.append("Note:       a size or nesting limit cut this message short") }
        lines.append("")
        lines.append(self.text.isEmpty ? "(no words of their own)" : self.text)
        return lines.joined(separator: "\n")
    }
}

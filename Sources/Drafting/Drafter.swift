import Courtesy
import Foundation
import MailParsing
import Triage

/// A drafted reply: the rendered text, the complete message, and what the linter found.
public struct Draft: Sendable {
    public let template: String
    public let subject: String
    public let body: String
    /// The complete RFC 5322 reply, CRLF line ends, ready for SMTP.
    public let message: Data
    /// The reply's header fields as a person reads them (From, To, Subject not encoded).
    public let headers: [(name: String, value: String)]
    public let messageID: String
    public let to: MailAddress
    public let promisedBy: Date
    public let findings: [Finding]
    /// The thread the reply continues: the customer's Message-ID, and the References chain.
    public let inReplyTo: String?
    public let references: [String]
}

/// Turns a parsed, classified customer message into a reply: template by category (or the
/// open question of `uncertain`), personalised, promised by a time the team can keep, and linted.
/// Pure apart from the clock value it is given.
public struct Drafter: Sendable {
    public let templates: TemplateLibrary
    public let linter: Linter
    public let settings: DraftingSettings

    public init(templates: TemplateLibrary, linter: Linter, settings: DraftingSettings) {
        self.templates = templates
        self.linter = linter
        self.settings = settings
    }

    /// - Parameters:
    ///   - arrival: when the mail arrived (the promise counts from here).
    ///   - now: the moment of drafting; a promise is never earlier than `now` plus the target,
    ///     so a late draft (backfill, a retry) still promises a time in the future.
    ///   - ticket: the conversation's reference.
    /// - Throws: `ReplyError` when there is nobody valid to reply to.
    public func draft(
        _ message: InboundMessage, classification: Classification, arrival: Date, now: Date, ticket: String
    ) throws -> Draft {
        let category = classification.category.rawValue
        let template = self.templates.template(category: category, uncertain: classification.uncertain)
        let target = self.settings.target(for: category)
        let hours = self.settings.businessHours
        let promisedBy = try Self.promise(hours: hours, target: target, arrival: arrival, now: now)
        let incoming = try Self.addressing(of: message)
        let to = try ReplyComposer.recipient(for: incoming)
        let firstName = message.firstName
        let context = DraftContext(
            category: category, firstName: firstName, subject: message.subject,
            orderNumbers: classification.signals.orderNumbers, askedHowAreYou: classification.signals.asksHowAreYou,
            customer: self.settings.customers?.record(for: to.address), agent: self.settings.agent, ticket: ticket,
            promisedBy: promisedBy, responseTarget: target, businessHours: hours, now: arrival)
        let (subject, body) = template.render(context)
        let findings = self.linter.lint(
            body,
            context: LintContext(
                category: category, sentiment: classification.signals.sentiment.rawValue, firstName: firstName,
                askedHowAreYou: classification.signals.asksHowAreYou))
        let messageID = ReplyComposer.newMessageID(domainOf: self.settings.from.address)
        let reply = ReplyComposer.composeReply(
            from: self.settings.from, to: to, subject: subject, body: IgnoreDirective.strip(body), incoming: incoming,
            messageID: messageID, date: now)
        return Draft(
            template: template.name, subject: subject, body: body, message: reply.data, headers: reply.fields,
            messageID: messageID, to: to,
            promisedBy: promisedBy, findings: findings, inReplyTo: incoming.messageID,
            references: incoming.references + (incoming.messageID.map { [$0] } ?? []))
    }

    /// Counted from the arrival; if that moment has already passed (a backfill, a late retry),
    /// counted from now instead, so the reply never promises a time in the past.
    public static func promise(hours: BusinessHours, target: ResponseTarget, arrival: Date, now: Date) throws -> Date {
        let fromArrival = try hours.promise(for: arrival, target: target)
        return fromArrival > now ? fromArrival : try hours.promise(for: now, target: target)
    }

    /// The parsed message's addressing in the composer's terms; Message-IDs get their angle brackets.
    static func addressing(of message: InboundMessage) throws -> IncomingAddressing {
        func bracketed(_ id: String) -> String { id.hasPrefix("<") ? id : "<\(id)>" }
        let from = message.from.flatMap { try? MailAddress(name: $0.name, address: $0.address) }
        let replyTo = message.replyTo.compactMap { try? MailAddress(name: $0.name, address: $0.address) }
        return IncomingAddressing(
            from: from, replyTo: replyTo, returnPath: message.returnPath, messageID: message.messageID.map(bracketed),
            references: message.references.map(bracketed))
    }
}

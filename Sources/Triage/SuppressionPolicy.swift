import Foundation
import MailParsing

/// Decides whether a message is machine mail that must never be answered, following RFC 3834,
/// RFC 5230 and Dovecot Pigeonhole's vacation checks, plus the deployment's own lists. Pure:
/// the same message and policy always give the same answer.
///
/// ```swift
/// let policy = SuppressionPolicy(ownAddresses: ["support@shop.example"])
/// if let suppression = policy.evaluate(message) { record(suppression.reason) }
/// ```
public struct SuppressionPolicy: Sendable, Hashable {
    /// The deployment's own addresses (lower-cased when compared).
    public var ownAddresses: [String]
    /// Addresses (`legal@example.com`) or domains (`example.com`, `@example.com`) never to
    /// acknowledge; a domain also covers its subdomains.
    public var neverAcknowledge: [String]

    public init(ownAddresses: [String] = [], neverAcknowledge: [String] = []) {
        self.ownAddresses = ownAddresses
        self.neverAcknowledge = neverAcknowledge
    }

    /// The reason to stay silent, or nil when the message may be answered.
    public func evaluate(_ message: InboundMessage) -> Suppression? {
        guard var suppression = self.firstMatch(message) else { return nil }
        if let report = message.deliveryReport {
            suppression.bounce = BounceDetails(report: report)
        } else if let failed = message.headerValue("X-Failed-Recipients") {
            // Exim's plain-text bounces carry no DSN part, only this header; it lists permanent
            // failures, hence RFC 3463's "other permanent" status 5.0.0.
            let addresses = failed.split(separator: ",").map { $0.trimmingScalars(ScalarClass.whitespace) }
                .filter { $0.contains("@") }
            suppression.bounce = BounceDetails(
                failedRecipients: addresses.map { FailedRecipient(address: $0, status: "5.0.0") },
                originalMessageID: nil)
        }
        return suppression
    }

    private func firstMatch(_ message: InboundMessage) -> Suppression? {
        let from = message.from?.address.lowercased() ?? ""
        if let type = message.mimeTypes.first(where: { $0 == "multipart/report" || Self.reportParts.contains($0) }) {
            return Suppression(reason: .deliveryReport, detail: type)
        }
        let returnPaths = message.headerValues("Return-Path")
        if message.returnPath == "" || returnPaths.contains(where: { Self.isNullPath($0) }) {
            return Suppression(reason: .nullReturnPath, detail: "Return-Path: <>")
        }
        let own = Set(self.ownAddresses.map { $0.lowercased() })
        let returnPath = message.returnPath?.lowercased() ?? ""
        if own.contains(from) || own.contains(returnPath) {
            return Suppression(reason: .ownAddress, detail: own.contains(from) ? from : returnPath)
        }
        if let entry = self.neverAcknowledgeEntry(matching: from) {
            return Suppression(reason: .neverAcknowledge, detail: "\(from) matches \(entry)")
        }
        if let flag = message.headerValues("X-Spam-Flag").first(where: { Self.token($0) == "yes" }) {
            return Suppression(reason: .spam, detail: "X-Spam-Flag: \(flag)")
        }
        if let status = message.headerValues("X-Spam-Status").first(where: { Self.token($0).hasPrefix("yes") }) {
            return Suppression(reason: .spam, detail: "X-Spam-Status: \(status.prefix(80))")
        }
        if let results = message.headerValues("Authentication-Results").first(where: Self.reportsDMARCFailure) {
            return Suppression(reason: .dmarcFail, detail: "Authentication-Results: \(results.prefix(120))")
        }
        // Every instance counts: a robot may add its own Auto-Submitted under a human's "no".
        if let value = message.headerValues("Auto-Submitted").first(where: { Self.keyword($0) != "no" }) {
            return Suppression(reason: .autoSubmitted, detail: "Auto-Submitted: \(value)")
        }
        if let list = message.headers.first(where: { $0.nameHasPrefix("list-") }) {
            return Suppression(reason: .mailingList, detail: "\(list.name): \(list.value.prefix(120))")
        }
        let precedence = message.headerValues("Precedence")
        if let value = precedence.first(where: { Self.bulkPrecedence.contains(Self.token($0)) }) {
            return Suppression(reason: .precedence, detail: "Precedence: \(value)")
        }
        if let value = message.headerValues("X-Auto-Response-Suppress").first(where: Self.suppressesAutoReplies) {
            return Suppression(reason: .autoResponseSuppress, detail: "X-Auto-Response-Suppress: \(value)")
        }
        for name in ["X-Autoreply", "X-Autorespond", "X-Autoresponder"] {
            if let value = message.headerValues(name).first(where: { !Self.negatives.contains(Self.token($0)) }) {
                return Suppression(reason: .autoreplyHeader, detail: "\(name): \(value)")
            }
        }
        for address in [from, returnPath] where Self.isSystemSender(address) {
            return Suppression(reason: .systemSender, detail: address)
        }
        if let prefix = Self.outOfOfficePrefix(message.subject) {
            return Suppression(reason: .outOfOfficeSubject, detail: "Subject starts with \"\(prefix)\"")
        }
        return nil
    }

    // MARK: - Rules

    private static let reportParts: Set<String> = ["message/delivery-status", "message/global-delivery-status"]
    private static let bulkPrecedence: Set<String> = ["junk", "bulk", "list", "auto_reply", "auto-reply"]
    private static let negatives: Set<String> = ["no", "false", "0"]

    /// The value lower-cased and trimmed.
    private static func token(_ value: String) -> String {
        value.trimmingScalars(ScalarClass.whitespaceOrNewline).lowercased()
    }

    /// The keyword of a field with parameters: "auto-replied; owner-email=…" → "auto-replied".
    private static func keyword(_ value: String) -> String {
        Self.token(String(value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""))
    }

    private static func isNullPath(_ value: String) -> Bool {
        value.filter { !$0.isWhitespace } == "<>"
    }

    /// Whether an Authentication-Results value says `dmarc=fail`, in any case, blanks anywhere in
    /// it ignored. ASCII values (nearly all: the field is written by a receiving server) are read
    /// byte by byte; others as Characters, `reportsDMARCFailureComparingCharacters` (a combining
    /// mark after the "l" makes another Character, so any non-ASCII byte anywhere decides).
    static func reportsDMARCFailure(_ value: String) -> Bool {
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else { return Self.reportsDMARCFailureComparingCharacters(value) }
        let wanted = Self.dmarcFail
        var matched = 0
        for byte in value.utf8 {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { continue }  // ASCII whitespace
            let lower = ASCIICase.lowered(byte)
            // "d" starts the phrase and appears nowhere else in it, so a mismatch restarts at
            // this byte alone.
            matched = lower == wanted[matched] ? matched + 1 : (lower == wanted[0] ? 1 : 0)
            if matched == wanted.count { return true }
        }
        return false
    }

    private static let dmarcFail = Array("dmarc=fail".utf8)

    static func reportsDMARCFailureComparingCharacters(_ value: String) -> Bool {
        value.lowercased().filter { !$0.isWhitespace }.contains("dmarc=fail")
    }

    private static func suppressesAutoReplies(_ value: String) -> Bool {
        value.split(separator: ",").contains { ["all", "oof"].contains(Self.token(String($0))) }
    }

    private static let systemLocalParts: Set<String> = [
        "mailer-daemon", "postmaster", "listserv", "majordomo", "noreply", "no-reply", "no_reply", "donotreply",
        "do-not-reply", "do_not_reply", "mailerdaemon", "daemon",
    ]
    private static let systemPrefixes = ["owner-", "bounce", "noreply", "no-reply", "no_reply", "donotreply",
        "do-not-reply", "do_not_reply"]

    /// Whether `address` is a system sender (RFC 3834 §3.1.8 and common no-reply
    /// conventions), judged on the local part only: `jane@noreply.example` is a person.
    public static func isSystemSender(_ address: String) -> Bool {
        guard !address.isEmpty else { return false }
        let local = AddressText.localPart(address).lowercased()
        guard !local.isEmpty else { return false }
        return Self.systemLocalParts.contains(local) || local.hasSuffix("-request")
            || Self.systemPrefixes.contains { local.hasPrefix($0) }
    }

    /// Subject prefixes that out-of-office replies use, in the languages customers write in.
    /// Prefixes only: "Automatic renewal" or a question about office hours is a person writing.
    /// No bare "不在" (absent): "不在票…" is a customer's missed-delivery slip.
    public static let outOfOfficePrefixes = [
        "automatic reply", "auto reply", "auto-reply", "autoreply", "auto response", "auto-response",
        "autoresponse", "automatic response", "out of office", "out of the office", "ooo:", "away from office",
        "automatische antwort", "abwesenheitsnotiz", "abwesend", "réponse automatique", "reponse automatique",
        "absence du bureau", "absent du bureau", "respuesta automática", "respuesta automatica",
        "fuera de la oficina", "fuera de oficina", "risposta automatica", "fuori ufficio", "automatisch antwoord",
        "afwezig", "resposta automática", "resposta automatica", "ausente do escritório", "autosvar",
        "automatisk svar", "automaattinen vastaus", "odpowiedź automatyczna", "automatická odpověď",
        "自動応答", "自動返信", "自动回复", "автоматический ответ", "vacation reply",
    ]

    /// The out-of-office prefix `subject` starts with (compared lower-cased), or nil.
    public static func outOfOfficePrefix(_ subject: String) -> String? {
        // Most subjects start with an ASCII letter no prefix starts with: that settles them
        // without trimming, lower-casing and forty Unicode comparisons (this runs for every mail).
        for byte in subject.utf8 {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { continue }
            if byte < 0x80, !Self.outOfOfficeFirstBytes.contains(ASCIICase.lowered(byte)) {
                return nil
            }
            break
        }
        return Self.outOfOfficePrefixComparingCharacters(subject)
    }

    /// The first bytes of the (lower-case) prefixes; only the ASCII ones settle anything.
    private static let outOfOfficeFirstBytes = Set(Self.outOfOfficePrefixes.compactMap { $0.utf8.first })

    /// `outOfOfficePrefix` by trimming, lower-casing and comparing every prefix.
    static func outOfOfficePrefixComparingCharacters(_ subject: String) -> String? {
        let lower = subject.trimmingScalars(ScalarClass.whitespaceOrNewline).lowercased()
        return Self.outOfOfficePrefixes.first { lower.hasPrefix($0) }
    }

    private func neverAcknowledgeEntry(matching address: String) -> String? {
        guard !address.isEmpty, !self.neverAcknowledge.isEmpty else { return nil }
        let domain = String(AddressText.domainPart(address))
        for entry in self.neverAcknowledge {
            let entry = entry.trimmingScalars(ScalarClass.whitespace).lowercased()
            if entry.isEmpty { continue }
            if entry.contains("@"), !entry.hasPrefix("@") {
                if entry == address { return entry }
                continue
            }
            let bare = entry.hasPrefix("@") ? String(entry.dropFirst()) : entry
            if domain == bare || domain.hasSuffix("." + bare) { return entry }
        }
        return nil
    }
}

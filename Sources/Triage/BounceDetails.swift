import Foundation
import MailParsing

/// What a delivery report says failed: the recipients with a permanent (5.x.x) status and the
/// Message-ID of the message that bounced, so a later stage can mark our reply bounced and stop
/// acknowledging that address.
public struct BounceDetails: Sendable, Hashable {
    /// Recipients whose delivery failed permanently.
    public var failedRecipients: [FailedRecipient]
    /// The Message-ID (no angle brackets) of the message the report is about, when it says.
    public var originalMessageID: String?

    public init(failedRecipients: [FailedRecipient], originalMessageID: String?) {
        self.failedRecipients = failedRecipients
        self.originalMessageID = originalMessageID
    }

    /// Reads the per-recipient field groups of a `message/delivery-status` part (RFC 3464 §2.3):
    /// a recipient failed when its `Status` is 5.x.x.
    public init(report: DeliveryReport) {
        var failed: [FailedRecipient] = []
        for group in Self.fieldGroups(report.statusFields) {
            guard let recipientField = group["final-recipient"] ?? group["original-recipient"],
                let status = group["status"]?.split(whereSeparator: { $0 == " " || $0 == "(" }).first,
                status.hasPrefix("5.")
            else { continue }
            // "rfc822; jane@example.com": the address type, then the address.
            let address = recipientField.split(separator: ";", maxSplits: 1).last
                .map { $0.trimmingScalars(ScalarClass.whitespace) } ?? recipientField
            let bare = address.trimmingScalars { $0 == "<" || $0 == ">" || $0 == " " }
            failed.append(FailedRecipient(address: bare, status: String(status)))
        }
        self.init(failedRecipients: failed, originalMessageID: report.originalMessageID)
    }

    /// Field groups separated by blank lines, continuation lines unfolded, names lower-cased.
    private static func fieldGroups(_ text: String) -> [[String: String]] {
        var groups: [[String: String]] = []
        var current: [String: String] = [:]
        var lastName: String?
        // "\r\n" is one Character in Swift: split on isNewline, never on "\n" alone.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { groups.append(current) }
                current = [:]
                lastName = nil
            } else if line.first == " " || line.first == "\t", let name = lastName {
                current[name, default: ""] += " " + line.trimmingScalars(ScalarClass.whitespace)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingScalars(ScalarClass.whitespace).lowercased()
                current[name] = line[line.index(after: colon)...].trimmingScalars(ScalarClass.whitespace)
                lastName = name
            }
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }
}

/// One recipient a delivery report says could not be reached.
public struct FailedRecipient: Sendable, Hashable {
    /// The address from `Final-Recipient` (or `Original-Recipient`).
    public var address: String
    /// The RFC 3463 status code, e.g. `5.1.1`.
    public var status: String

    public init(address: String, status: String) {
        self.address = address
        self.status = status
    }
}

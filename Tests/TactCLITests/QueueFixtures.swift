import Foundation
import Store
import TactTestSupport

/// A store with three queued drafts, oldest first, for the queue and review tests: a clean one
/// (1, Jane, promised in an hour), one with an error-level finding (2, Tom) and a clean one (3, Ana)
/// whose customer is unhappy.
func makeQueuedStore(_ directory: TemporaryDirectory) throws -> String {
    let path = directory.url.appendingPathComponent("tact.sqlite").path
    let store = try SQLiteStore(path: path)
    let now = Date()
    let arguing = #"[{"column":1,"line":3,"match":"As I already explained","message":"Never argue with a customer.","rule":"arguing","severity":"error","suggestion":"Explain again, kindly."}]"#
    let drafts: [(name: String, subject: String, category: String, confidence: Double, wrote: String, body: String, findings: String, promised: Date?)] = [
        ("Jane Doe", "Where is my order #48213?", "order-status", 0.9, "My order #48213 has not arrived.", "Hi Jane,\n\nThank you.\n", "[]",
         now.addingTimeInterval(3600)),
        ("Tom Becker", "Refund", "refund", 0.8, "I want my money back.", "Hi Tom,\n\nAs I already explained, no.\n", arguing, nil),
        ("Ana Lima", "Late order", "complaint", 0.7, "My order is late again. This is really bad.", "Hi Ana,\n\nThank you, I am sorry.\n\nMarta\n",
         "[]", nil),
    ]
    for (index, draft) in drafts.enumerated() {
        let first = draft.name.split(separator: " ")[0].lowercased()
        _ = try store.record(
            IncomingMessage(
                mailbox: "support", uidValidity: 1, uid: UInt32(index + 1), messageID: "<q\(index + 1)@example.org>",
                sender: "\(first)@example.org", subject: draft.subject, receivedAt: now, outcome: .drafted, category: draft.category,
                confidence: draft.confidence, senderName: draft.name, customerText: draft.wrote),
            draft: NewDraft(template: draft.category, subject: "Re: \(draft.subject)", body: draft.body, findingsJSON: draft.findings,
                            promisedBy: draft.promised),
            actor: "daemon")
    }
    return path
}

/// The states a draft goes through (ARCHITECTURE.md, "States a draft goes through").
///
/// `queued` → `approved` → `sending` → `sent`, or `rejected`, `superseded`, `failed`,
/// `outcomeUnknown` (a crash or error came after the SMTP server may have accepted the message:
/// resent only by a person), or `bounced`.
public enum DraftState: String, Sendable, CaseIterable, Codable {
    case queued
    case approved
    case sending
    case sent
    case rejected
    case superseded
    case failed
    case outcomeUnknown = "outcome-unknown"
    case bounced

    /// The states this one may move to. Anything else is a bug or a race lost to another actor,
    /// and the store refuses it.
    public var successors: Set<DraftState> {
        switch self {
        case .queued: return [.approved, .rejected, .superseded]
        case .approved: return [.queued, .sending, .rejected, .superseded]
        // Back to `approved` only when the SMTP data was certainly not sent (retry with backoff).
        case .sending: return [.sent, .failed, .outcomeUnknown, .approved, .superseded]
        case .failed, .outcomeUnknown: return [.approved, .rejected]
        case .sent: return [.bounced]
        case .rejected, .superseded, .bounced: return []
        }
    }

    public func canMove(to next: DraftState) -> Bool { self.successors.contains(next) }

    /// No further change is possible.
    public var isFinal: Bool { self.successors.isEmpty }
}

extension DraftState {
    /// Drafts a person may still act on (review, approve, resend, or look into a failure): retention
    /// never deletes them or their message, however old.
    public static let keptByRetention: Set<DraftState> = [.queued, .approved, .sending, .failed, .outcomeUnknown]
}

import Foundation

/// A step on the IMAP server that follows the commit of a message: done after the commit,
/// recorded with it, and replayed until it succeeds (each step is idempotent on the server).
public enum ServerStepKind: Sendable, Equatable, Hashable {
    /// Add this keyword to the original (`$TactQueued`), so agents see it in their mail client.
    case keyword(String)
    /// APPEND the draft to this folder (mode `drafts-folder`), unless a message with the draft's
    /// Message-ID is there already.
    case appendDraft(folder: String)
    /// Bring the draft's copy in this folder in line with the draft after it changed: delete every
    /// copy with the draft's Message-ID, then APPEND the draft as it is now if a person may still
    /// act on it (queued, approved, failed, outcome unknown). Recorded with the change that
    /// causes it (an edit, a renewed promise, a recategorisation, a rejection, a send), and only
    /// for a draft that was given a copy (`appendDraft`).
    case refreshDraft(folder: String)

    var columns: (kind: String, argument: String) {
        switch self {
        case .keyword(let keyword): return ("keyword", keyword)
        case .appendDraft(let folder): return ("append-draft", folder)
        case .refreshDraft(let folder): return ("refresh-draft", folder)
        }
    }

    init?(kind: String, argument: String) {
        switch kind {
        case "keyword": self = .keyword(argument)
        case "append-draft": self = .appendDraft(folder: argument)
        case "refresh-draft": self = .refreshDraft(folder: argument)
        default: return nil
        }
    }
}

/// A server step waiting to be done (or done, for the record).
public struct ServerStep: Sendable, Equatable {
    public let id: Int64
    public let messageRowID: Int64
    public let draftID: Int64?
    public let mailbox: String
    public let uidValidity: UInt32
    public let uid: UInt32
    public let kind: ServerStepKind
    public let attempts: Int
    public let lastError: String?
}

/// A kill switch: a paused mailbox is still read and its mail queued, but nothing is answered
/// automatically. Holds across restarts.
public struct Pause: Sendable, Equatable {
    /// A mailbox name, or `nil` for every mailbox.
    public let mailbox: String?
    public let actor: String
    public let reason: String?
    public let since: Date
}

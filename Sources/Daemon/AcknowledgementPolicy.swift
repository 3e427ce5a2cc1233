import Foundation

/// Decides, for one human message that passed suppression, whether it gets a new acknowledgement.
/// Pure: the daemon asks the store for the facts and records what this returns, in one transaction
/// with the message, so the decision is made exactly once per message.
///
/// The order matters: a follow-up in a thread we already hold is attached (never acknowledged
/// again) even within the window; then one acknowledgement per sender per window; then the hourly
/// cap per mailbox, a flood valve against mail storms and backscatter.
public struct AcknowledgementPolicy: Sendable, Equatable {
    /// At most one acknowledgement per sender within this window (default 24 hours).
    public var senderWindow: Duration
    /// At most this many acknowledgements per mailbox in any hour.
    public var hourlyCap: Int

    public init(senderWindow: Duration = .seconds(24 * 3600), hourlyCap: Int = 200) {
        self.senderWindow = senderWindow
        self.hourlyCap = hourlyCap
    }

    /// What the store knows about the message's sender and thread.
    public struct Facts: Sendable, Equatable {
        /// The row of the earliest message of the thread this one continues, if we hold it.
        public var threadRoot: Int64?
        public var lastAcknowledgementOfSender: Date?
        public var acknowledgementsInLastHour: Int

        public init(threadRoot: Int64?, lastAcknowledgementOfSender: Date?, acknowledgementsInLastHour: Int) {
            self.threadRoot = threadRoot
            self.lastAcknowledgementOfSender = lastAcknowledgementOfSender
            self.acknowledgementsInLastHour = acknowledgementsInLastHour
        }
    }

    public enum Decision: Sendable, Equatable {
        case acknowledge
        /// A follow-up: recorded against the thread's first message, not acknowledged again.
        case attach(toMessageRow: Int64)
        /// Not acknowledged; the reason is recorded and shown by `tact explain`.
        case rateLimited(reason: String)
    }

    public func decide(_ facts: Facts, now: Date) -> Decision {
        if let root = facts.threadRoot { return .attach(toMessageRow: root) }
        if let last = facts.lastAcknowledgementOfSender {
            let window = TimeInterval(self.senderWindow.components.seconds)
            if now.timeIntervalSince(last) < window {
                return .rateLimited(reason: "sender-window: this sender was acknowledged \(Self.ago(now.timeIntervalSince(last))) ago")
            }
        }
        if facts.acknowledgementsInLastHour >= self.hourlyCap {
            return .rateLimited(reason: "hourly-cap: \(facts.acknowledgementsInLastHour) acknowledgements in the last hour (cap \(self.hourlyCap))")
        }
        return .acknowledge
    }

    private static func ago(_ seconds: TimeInterval) -> String {
        let minutes = Int(seconds / 60)
        return minutes < 60 ? "\(max(0, minutes)) min" : "\(minutes / 60) h \(minutes % 60) min"
    }
}

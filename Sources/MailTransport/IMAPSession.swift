import Dispatch
import Foundation

/// What SELECT/EXAMINE reports about a mailbox.
public struct MailboxStatus: Sendable, Equatable {
    public var name: String
    public var uidValidity: UInt32
    public var uidNext: UInt32
    public var messageCount: Int
    /// Present when the server offers CONDSTORE.
    public var highestModSeq: UInt64?
    public var readOnly: Bool
}

/// One message fetched whole, exactly as the server stores it (`BODY[]`).
public struct FetchedMessage: Sendable, Equatable {
    public var uid: UInt32
    public var bytes: [UInt8]
    public var flags: Set<String>
    /// When the server received it (`INTERNALDATE`), if the server said.
    public var internalDate: Date?
}

/// A message that was not fetched because it is larger than the limit.
public struct OversizeMessage: Sendable, Equatable {
    public var uid: UInt32
    public var size: Int
}

/// The result of `fetch`: fetched messages in UID order, and those skipped as too large.
public struct FetchResult: Sendable, Equatable {
    public var messages: [FetchedMessage]
    public var oversize: [OversizeMessage]
}

/// What ended a wait for new mail.
public enum MailWait: Sendable, Equatable {
    /// The mailbox now holds this many messages (more than before).
    case newMail(messageCount: Int)
    case timedOut
}

/// An IMAP session over libcurl: curl connects, does TLS and logs in; Tact speaks IMAP on the
/// connection. Each session runs its blocking I/O on its own serial dispatch queue (its own
/// thread while busy), bridged to async callers, so several sessions IDLE side by side without
/// starving Swift's cooperative pool. A dropped connection is reported as `.connectionLost` and
/// re-established (with the mailbox re-selected) on the next call.
///
/// ```swift
/// let session = IMAPSession(endpoint: endpoint, credentials: credentials)
/// let status = try await session.select("INBOX")
/// let new = try await session.uids(above: lastSeen)
/// let result = try await session.fetch(uids: new)
/// ```
public final class IMAPSession: @unchecked Sendable {
    // Everything below `queue` is touched only on `queue`; that is what makes this Sendable.
    public let endpoint: ServerEndpoint
    public let credentials: Credentials
    /// How long one IDLE may last before it is renewed (servers drop IDLE after 30 minutes).
    public let idleRenewInterval: Duration
    /// How often to check for new mail when the server lacks IDLE.
    public let pollInterval: Duration
    /// Messages fetched per UID FETCH command (bounded again by `batchBytes`).
    public let batchSize: Int
    private let batchBytes = 16 << 20
    private let queue: DispatchQueue
    private let wake = WakePipe()
    private var connection: IMAPConnection?
    private var selected: (name: String, readOnly: Bool, uidValidity: UInt32)?
    private var messageCount = 0

    /// Default maximum message size fetched: larger messages are reported, not fetched.
    public static let defaultMaxMessageSize = 25 << 20

    public init(
        endpoint: ServerEndpoint, credentials: Credentials, idleRenewInterval: Duration = .seconds(25 * 60),
        pollInterval: Duration = .seconds(60), batchSize: Int = 500
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.idleRenewInterval = idleRenewInterval
        self.pollInterval = pollInterval
        self.batchSize = max(1, batchSize)
        self.queue = DispatchQueue(label: "tact.imap.\(endpoint.host):\(endpoint.port)")
    }

    // MARK: - Running blocking work on the session's queue

    private func run<T: Sendable>(_ body: @escaping @Sendable () throws(TransportError) -> T) async throws(TransportError)
        -> T
    {
        // The queue job resets the wake pipe when it starts: a task cancelled before that point
        // is caught here instead.
        if Task.isCancelled { throw TransportError(.cancelled, "the IMAP operation was cancelled") }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                    self.queue.async {
                        do {
                            continuation.resume(returning: try body())
                        } catch let error as TransportError {
                            // After a failure mid-command the stream position is unknown: start afresh.
                            switch error.kind {
                            case .connectionLost, .timeout, .cancelled, .protocolViolation, .unreachable, .tlsFailure:
                                self.connection = nil
                            default: break
                            }
                            continuation.resume(throwing: error)
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    }
                }
            } onCancel: {
                self.wake.interrupt()
            }
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError(.protocolViolation, "\(error)")
        }
    }

    /// The live connection, connecting (and re-selecting the mailbox) when there is none.
    private func live() throws(TransportError) -> IMAPConnection {
        self.wake.reset()
        if let connection { return connection }
        let connection = try IMAPConnection(endpoint: self.endpoint, credentials: self.credentials, wake: self.wake)
        self.connection = connection
        if let selected {
            _ = try self.doSelect(
                connection, selected.name, readOnly: selected.readOnly, expected: selected.uidValidity)
        }
        return connection
    }

    /// Connects and logs in now (otherwise the first call does). Errors: `.authenticationFailed`,
    /// `.tlsFailure`, `.unreachable`, `.timeout`, `.insecureConfiguration`, `.secretUnreadable`.
    public func connect() async throws(TransportError) {
        try await self.run { () throws(TransportError) in _ = try self.live() }
    }

    /// Capabilities the server announced after login (upper-case), e.g. `IDLE`, `UIDPLUS`.
    public func capabilities() async throws(TransportError) -> Set<String> {
        try await self.run { () throws(TransportError) in try self.live().capabilities }
    }

    /// Logs out and closes the connection.
    public func close() async {
        _ = try? await self.run { () throws(TransportError) in
            self.connection?.logout()
            self.connection = nil
            self.selected = nil
        }
    }

    // MARK: - Mailboxes

    /// Opens `mailbox` (EXAMINE when `readOnly`, else SELECT).
    /// - Parameter expectedUIDValidity: when given and the server reports another, throws
    ///   `.uidValidityChanged` (every stored UID for this mailbox is then meaningless).
    /// - Throws: `.noSuchMailbox`, `.uidValidityChanged`, `.serverRefused`, connection errors.
    public func select(_ mailbox: String, readOnly: Bool = true, expectedUIDValidity: UInt32? = nil)
        async throws(TransportError) -> MailboxStatus
    {
        try await self.run { () throws(TransportError) in
            let connection = try self.live()
            return try self.doSelect(connection, mailbox, readOnly: readOnly, expected: expectedUIDValidity)
        }
    }

    private func doSelect(_ connection: IMAPConnection, _ mailbox: String, readOnly: Bool, expected: UInt32?)
        throws(TransportError) -> MailboxStatus
    {
        let name = try IMAPSyntax.mailbox(mailbox)
        let condstore = connection.capabilities.contains("CONDSTORE") ? " (CONDSTORE)" : ""
        let (untagged, completion) = try connection.command("\(readOnly ? "EXAMINE" : "SELECT") \(name)\(condstore)")
        guard case .tagged(_, let condition, let code, let text) = completion, condition == .ok else {
            self.selected = nil
            if case .tagged(_, .no, let code, let text) = completion,
                code?.name == "NONEXISTENT" || text.lowercased().contains("exist")
            {
                throw TransportError(
                    .noSuchMailbox, "the mailbox \"\(mailbox)\" does not exist on \(self.endpoint.host): check its name",
                    serverText: text)
            }
            var serverText: String?
            if case .tagged(_, _, _, let text) = completion { serverText = text }
            throw TransportError(.serverRefused, "cannot open the mailbox \"\(mailbox)\"", serverText: serverText)
        }
        var status = MailboxStatus(
            name: mailbox, uidValidity: 0, uidNext: 0, messageCount: 0, highestModSeq: nil,
            readOnly: code?.name == "READ-ONLY")
        for response in untagged {
            switch response {
            case .message(let number, "EXISTS", _):
                status.messageCount = Int(number)
            case .condition(.ok, let code?, _):
                let value = code.arguments.first.flatMap { UInt64($0) }
                switch code.name {
                case "UIDVALIDITY": status.uidValidity = UInt32(truncatingIfNeeded: value ?? 0)
                case "UIDNEXT": status.uidNext = UInt32(truncatingIfNeeded: value ?? 0)
                case "HIGHESTMODSEQ": status.highestModSeq = value
                default: break
                }
            default: break
            }
        }
        _ = text
        if let expected, expected != status.uidValidity {
            self.selected = nil
            throw TransportError(
                .uidValidityChanged,
                "the UIDVALIDITY of \"\(mailbox)\" changed from \(expected) to \(status.uidValidity): "
                    + "the server renumbered it, so stored UIDs must be discarded and the mailbox read afresh")
        }
        self.selected = (mailbox, readOnly, status.uidValidity)
        self.messageCount = status.messageCount
        return status
    }

    private func requireSelected() throws(TransportError) {
        guard self.selected != nil else {
            throw TransportError(.protocolViolation, "no mailbox is selected: call select(_:) first")
        }
    }

    // MARK: - Search, fetch, flags

    /// All UIDs greater than `uid` in the selected mailbox, ascending.
    public func uids(above uid: UInt32) async throws(TransportError) -> [UInt32] {
        try await self.run { () throws(TransportError) in
            let connection = try self.live()
            try self.requireSelected()
            let (untagged, _) = try connection.checked("UID SEARCH UID \(UInt64(uid) + 1):*", what: "search")
            var result: [UInt32] = []
            for case .data("SEARCH", let values) in untagged {
                for value in values {
                    // `N:*` matches the highest UID even when it is below N: filter here.
                    if let n = value.number, n > uid, n <= UInt32.max { result.append(UInt32(n)) }
                }
            }
            return result.sorted()
        }
    }

    /// The UIDs in the selected mailbox whose header field `field` contains `value` (IMAP's
    /// `UID SEARCH HEADER`: a case-insensitive substring match), ascending. Used to find a reply by
    /// its Message-ID in Sent, or a colleague's reply by its In-Reply-To.
    /// - Throws: `.protocolViolation` when `field` is not a header name or `value` holds a line
    ///   break or is not ASCII; connection errors.
    public func search(header field: String, containing value: String) async throws(TransportError) -> [UInt32] {
        let name = try IMAPSyntax.headerName(field)
        let quoted = try IMAPSyntax.quotedASCII(value, what: "the \(field) value to search for")
        return try await self.run { () throws(TransportError) in
            let connection = try self.live()
            try self.requireSelected()
            let (untagged, _) = try connection.checked("UID SEARCH HEADER \(name) \(quoted)", what: "search")
            var result: [UInt32] = []
            for case .data("SEARCH", let values) in untagged {
                for value in values {
                    if let n = value.number, n > 0, n <= UInt32.max { result.append(UInt32(n)) }
                }
            }
            return result.sorted()
        }
    }

    /// Fetches whole messages by UID with `BODY.PEEK[]` (never sets `\Seen`), in batches.
    /// Sizes are read first (`RFC822.SIZE`); messages above `maxSize` are reported in
    /// `oversize`, not fetched. UIDs that no longer exist are left out.
    public func fetch(uids: [UInt32], maxSize: Int = IMAPSession.defaultMaxMessageSize) async throws(TransportError)
        -> FetchResult
    {
        try await self.run { () throws(TransportError) in
            let connection = try self.live()
            try self.requireSelected()
            var result = FetchResult(messages: [], oversize: [])
            let wanted = Array(Set(uids)).sorted()
            guard !wanted.isEmpty else { return result }
            // Sizes first, so an oversize message is never transferred.
            var sizes: [UInt32: Int] = [:]
            for chunk in wanted.chunked(5000) {
                let (untagged, _) = try connection.checked(
                    "UID FETCH \(IMAPSyntax.uidSet(chunk)) (UID RFC822.SIZE)", what: "read message sizes")
                for item in untagged.compactMap(FetchItems.init) {
                    if let uid = item.uid, let size = item.size { sizes[uid] = size }
                }
            }
            var batch: [UInt32] = []
            var batchTotal = 0
            func flush() throws(TransportError) {
                guard !batch.isEmpty else { return }
                connection.parser.maxLiteralSize = max(maxSize, 1) + 1024
                let (untagged, _) = try connection.checked(
                    "UID FETCH \(IMAPSyntax.uidSet(batch)) (UID FLAGS INTERNALDATE BODY.PEEK[])", what: "fetch messages")
                var got: [FetchedMessage] = []
                for item in untagged.compactMap(FetchItems.init) {
                    if let uid = item.uid, let body = item.body {
                        got.append(FetchedMessage(uid: uid, bytes: body, flags: item.flags ?? [], internalDate: item.internalDate))
                    }
                }
                result.messages += got.sorted { $0.uid < $1.uid }
                batch = []
                batchTotal = 0
            }
            for uid in wanted {
                guard let size = sizes[uid] else { continue }
                if size > maxSize {
                    result.oversize.append(OversizeMessage(uid: uid, size: size))
                    continue
                }
                if batch.count >= self.batchSize || (batchTotal + size > self.batchBytes && !batch.isEmpty) {
                    try flush()
                }
                batch.append(uid)
                batchTotal += size
            }
            try flush()
            return result
        }
    }

    /// The flags and keywords of each UID (missing UIDs are left out).
    public func flags(uids: [UInt32]) async throws(TransportError) -> [UInt32: Set<String>] {
        try await self.run { () throws(TransportError) in
            let connection = try self.live()
            try self.requireSelected()
            guard !uids.isEmpty else { return [:] }
            var result: [UInt32: Set<String>] = [:]
            let (untagged, _) = try connection.checked(
                "UID FETCH \(IMAPSyntax.uidSet(uids.sorted())) (UID FLAGS)", what: "read flags")
            for item in untagged.compactMap(FetchItems.init) {
                if let uid = item.uid, let flags = item.flags { result[uid] = flags }
            }
            return result
        }
    }

    /// Adds and removes flags (`\Answered`) and keywords (`$Tact-Drafted`) on messages.
    /// The mailbox must be selected read-write. Flags are checked for IMAP atom syntax first.
    public func store(uids: [UInt32], add: Set<String> = [], remove: Set<String> = []) async throws(TransportError) {
        try await self.run { () throws(TransportError) in
            let connection = try self.live()
            try self.requireSelected()
            guard !uids.isEmpty else { return }
            let set = IMAPSyntax.uidSet(uids.sorted())
            if !add.isEmpty {
                _ = try connection.checked(
                    "UID STORE \(set) +FLAGS.SILENT (\(try IMAPSyntax.flagList(add)))", what: "add flags")
            }
            if !remove.isEmpty {
                _ = try connection.checked(
                    "UID STORE \(set) -FLAGS.SILENT (\(try IMAPSyntax.flagList(remove)))", what: "remove flags")
            }
        }
    }

    /// Removes exactly these messages from the selected mailbox (opened read-write): marks them
    /// `\Deleted`, then, when the server offers UIDPLUS, expunges only them (`UID EXPUNGE`).
    /// Without UIDPLUS they stay marked `\Deleted` for a mail client to purge: a plain EXPUNGE
    /// would also remove whatever a person had marked.
    /// - Returns: whether they were expunged (false: only marked).
    @discardableResult
    public func delete(uids: [UInt32]) async throws(TransportError) -> Bool {
        guard !uids.isEmpty else { return true }
        try await self.store(uids: uids, add: ["\\Deleted"])
        return try await self.run { () throws(TransportError) in
            let connection = try self.live()
            try self.requireSelected()
            guard connection.capabilities.contains("UIDPLUS") else { return false }
            _ = try connection.checked("UID EXPUNGE \(IMAPSyntax.uidSet(uids.sorted()))", what: "expunge")
            return true
        }
    }

    /// Appends `message` to `mailbox` with exactly `flags` (e.g. `\Draft` only; nothing added).
    /// - Returns: the new message's UID from `[APPENDUID]` when the server offers UIDPLUS, else nil.
    /// - Throws: `.noSuchMailbox`, `.messageTooLarge`, `.serverRefused`, connection errors.
    public func append(to mailbox: String, message: [UInt8], flags: Set<String> = []) async throws(TransportError)
        -> UInt32?
    {
        try await self.run { () throws(TransportError) in
            let connection = try self.live()
            let name = try IMAPSyntax.mailbox(mailbox)
            let (_, completion) = try connection.command(
                "APPEND \(name) (\(try IMAPSyntax.flagList(flags))) ", literal: message)
            guard case .tagged(_, let condition, let code, let text) = completion else {
                throw TransportError(.protocolViolation, "APPEND got no completion")
            }
            guard condition == .ok else {
                if code?.name == "TRYCREATE" || code?.name == "NONEXISTENT" {
                    throw TransportError(
                        .noSuchMailbox, "cannot append to \"\(mailbox)\": it does not exist; check its name",
                        serverText: text)
                }
                if code?.name == "TOOBIG" || code?.name == "OVERQUOTA" {
                    throw TransportError(.messageTooLarge, "the server refused a \(message.count)-byte message", serverText: text)
                }
                throw TransportError(.serverRefused, "the server refused to append to \"\(mailbox)\"", serverText: text)
            }
            if let code, code.name == "APPENDUID", code.arguments.count == 2, let uid = UInt32(code.arguments[1]) {
                return uid
            }
            return nil
        }
    }

    // MARK: - Waiting for new mail

    /// Waits until the selected mailbox holds more messages than at the last select or wait,
    /// or `timeout` passes. Uses IDLE (renewed every `idleRenewInterval`) when the server offers
    /// it, else NOOP every `pollInterval`. Task cancellation ends the wait promptly.
    public func waitForNewMail(timeout: Duration) async throws(TransportError) -> MailWait {
        try await self.run { () throws(TransportError) in
            let connection = try self.live()
            try self.requireSelected()
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeout)
            let known = self.messageCount
            // Announced in answer to an earlier command (a search that did not include it): new
            // already, and the server will not announce it again during IDLE.
            if let announced = connection.lastExists, announced > known {
                self.messageCount = announced
                return .newMail(messageCount: announced)
            }
            func newCount(_ responses: [IMAPResponse]) -> Int? {
                var count: Int?
                for case .message(let n, "EXISTS", _) in responses { count = Int(n) }
                return count
            }
            if !connection.capabilities.contains("IDLE") {
                while true {
                    let (untagged, _) = try connection.checked("NOOP", what: "check for new mail")
                    if let count = newCount(untagged) {
                        self.messageCount = count
                        if count > known { return .newMail(messageCount: count) }
                    }
                    let left = deadline - clock.now
                    if left <= .zero { return .timedOut }
                    // Sleep on the socket so an interruption or BYE still wakes us.
                    _ = try connection.readResponse(timeout: min(left, self.pollInterval)).map { _ in () }
                }
            }
            while true {
                let tag = try connection.startIdle()
                let renewAt = clock.now.advanced(by: self.idleRenewInterval)
                var found: Int?
                while found == nil {
                    let left = min(deadline, renewAt) - clock.now
                    if left <= .zero { break }
                    guard let response = try connection.readResponse(timeout: left) else { break }
                    if let count = newCount([response]) {
                        self.messageCount = count
                        if count > known { found = count }
                    }
                }
                let rest = try connection.endIdle(tag: tag)
                if let count = newCount(rest) {
                    self.messageCount = count
                    if count > known, found == nil { found = count }
                }
                if let found { return .newMail(messageCount: found) }
                if clock.now >= deadline { return .timedOut }
            }
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: self.count, by: size).map { self[$0..<Swift.min($0 + size, self.count)] }
    }
}

import Dispatch

/// Runs blocking work (an SMTP transaction through libcurl) on a thread of its own, not on Swift's
/// small cooperative pool (two threads on a two-core machine), where it would hold up the mailbox
/// loops for as long as the server takes to answer.
func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}

/// `offPool` for work that throws (a store transaction).
func offPoolThrowing<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

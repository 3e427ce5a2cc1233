import Synchronization

/// Wakes a loop that waits for several things at once (a timer, a look at the store, a signal).
///
/// A shared `AsyncStream` cannot do this: cancelling a task that waits on it terminates the whole
/// stream, so once the loop's wait ended by its timer (cancelling the task waiting for a wake),
/// every later wait on the stream returned at once, and the outbox loop spun on a core. Here each
/// wait listens on a stream of its own (`listen`), and a wake that comes while nobody listens is
/// kept for the next listener.
final class Waker: Sendable {
    private struct State {
        var pending = false
        var listener: AsyncStream<Void>.Continuation?
    }
    private let state = Mutex(State())

    /// Wakes the current listener, or the next one if nobody listens now.
    func wake() {
        self.state.withLock { state in
            if let listener = state.listener {
                switch listener.yield() {
                case .enqueued, .dropped: return  // woken (or a wake already waits in its stream)
                case .terminated: break  // that wait ended (its task was cancelled, or it returned)
                @unknown default: break
                }
            }
            state.listener = nil
            state.pending = true
        }
    }

    /// A stream that yields once for the next wake (at once if one came while nobody listened).
    /// Cancelling its consumer ends only this stream.
    func listen() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.state.withLock { state in
            state.listener?.finish()
            state.listener = continuation
            if state.pending {
                state.pending = false
                continuation.yield()
            }
        }
        return stream
    }

    /// Waits for the next wake; returns early, without consuming a wake, when the task is cancelled.
    func next() async {
        for await _ in self.listen() {
            // A wait cancelled before it began (its timer won first) still takes a wake that was
            // pending: give it back for the next wait.
            if Task.isCancelled {
                self.state.withLock { state in
                    state.listener = nil
                    state.pending = true
                }
            }
            return
        }
    }
}

import Foundation
import Testing

@testable import Daemon

/// The outbox's wake-up: a wait that ended by its timer must not leave later waits returning at
/// once (which made `tact run`'s outbox loop spin on a core).
@Suite struct WakerTests {
    /// One wait of the outbox loop: the timer or a wake, whichever comes first; true if woken.
    func wait(_ waker: Waker, timer: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { try? await Task.sleep(for: timer); return false }
            group.addTask { await waker.next(); return !Task.isCancelled }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    @Test func waitsThatEndedByTheirTimerLeaveTheNextWaitWaiting() async {
        let waker = Waker()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<5 { #expect(await wait(waker, timer: .milliseconds(60)) == false) }
        // Five timed waits take five timer periods: none of them returned at once.
        #expect(clock.now - start >= .milliseconds(290))
    }

    /// Each wait below would end by its 60 s timer, and say so (false), if the wake were lost;
    /// no bound on the time taken, which a loaded test machine can stretch.
    @Test func aWakeEndsTheWaitInHandOrTheNextOne() async {
        let waker = Waker()
        // Woken while waiting (or just before the wait began listening: kept for it).
        let woken = Task { await wait(waker, timer: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(100))
        waker.wake()
        #expect(await woken.value == true)
        // A wake while nobody waits is kept for the next wait, once.
        _ = await wait(waker, timer: .milliseconds(20))
        waker.wake()
        #expect(await wait(waker, timer: .seconds(60)) == true)
        #expect(await wait(waker, timer: .milliseconds(50)) == false)
    }

    /// A wait cancelled before it began listening does not swallow a pending wake.
    @Test func aCancelledWaitLeavesAPendingWakeForTheNext() async {
        let waker = Waker()
        waker.wake()
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await waker.next()
        }
        await cancelled.value
        #expect(await wait(waker, timer: .seconds(60)) == true)
    }
}

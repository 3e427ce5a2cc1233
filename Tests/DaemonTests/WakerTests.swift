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

    @Test func aWakeEndsTheWaitInHandOrTheNextOne() async {
        let waker = Waker()
        // Woken while waiting.
        let woken = Task { await wait(waker, timer: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(100))
        waker.wake()
        #expect(await woken.value == true)
        // A wake while nobody waits is kept for the next wait, once.
        _ = await wait(waker, timer: .milliseconds(20))
        waker.wake()
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await wait(waker, timer: .seconds(30)) == true)
        #expect(clock.now - start < .seconds(5))
        #expect(await wait(waker, timer: .milliseconds(50)) == false)
    }
}

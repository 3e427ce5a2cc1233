import Dispatch
import Foundation
import Synchronization

/// Work spread over the machine's cores.
enum Parallel {
    /// `transform` of every item, in order, computed on up to `activeProcessorCount` threads.
    /// `transform` must be safe to run concurrently (the processor's pure stages are).
    static func map<T, R>(_ items: [T], _ transform: (T) -> R) -> [R] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, items.count)
        guard workers > 1 else { return items.map(transform) }
        let results = UnsafeMutablePointer<R>.allocate(capacity: items.count)
        defer { results.deallocate() }
        let shared = Shared(results: results)
        let counter = Counter()
        withoutActuallyEscaping(transform) { transform in
            let work = Work(transform: transform)
            items.withUnsafeBufferPointer { buffer in
                let input = Input(items: buffer)
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    // Each worker takes the next item not yet taken, so a worker whose core is
                    // busy with something else (the fetch of the next batch, the commit of the
                    // previous one, another process) takes fewer, and none waits at the end.
                    while true {
                        let index = counter.next.add(1, ordering: .relaxed).oldValue
                        guard index < input.items.count else { break }
                        (shared.results + index).initialize(to: work.transform(input.items[index]))
                    }
                }
            }
        }
        let array = Array(UnsafeBufferPointer(start: results, count: items.count))
        results.deinitialize(count: items.count)
        return array
    }

    // Each index is written by exactly one worker and read only after all of them finished.
    private struct Shared<R>: @unchecked Sendable { let results: UnsafeMutablePointer<R> }
    private struct Input<T>: @unchecked Sendable { let items: UnsafeBufferPointer<T> }
    private struct Work<T, R>: @unchecked Sendable { let transform: (T) -> R }
    private final class Counter: Sendable { let next = Atomic<Int>(0) }
}

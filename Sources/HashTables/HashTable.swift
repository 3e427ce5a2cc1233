/// A fixed-size open-addressing table from a 64-bit key to a non-negative `Int32` (a row, an
/// id, a node), built once and then only read. The keys must already be well mixed (word
/// hashes are; callers mix structured keys first): the low bits pick the slot directly, which
/// is several times faster than a `Dictionary`, whose SipHash of every key cost more than the
/// rest of a look-up. Classification makes a dozen look-ups per word of every mail, the linter
/// two per word of every draft.
///
/// Most words of a mail are in no table, so a look-up first reads one bit of a small filter
/// (16 bits a key, indexed by the key's top bits, so it stays in the L1 cache): a clear bit
/// answers "absent" without touching the slots, and without the unpredictable branch of a
/// probe that hits or misses.
// Unchecked: the slots are written only while the table is built, then only read.
public struct HashTable: @unchecked Sendable {
    /// A slot: the key (0 when free) and its value, side by side so a probe reads one cache line.
    @usableFromInline
    struct Slot {
        @usableFromInline var key: UInt64
        @usableFromInline var value: Int32
    }

    /// Owns the slots and the filter; the table keeps its own copies of the pointers so a
    /// look-up is a plain load (array subscripts cost a bounds check and a buffer load each).
    private final class Storage {
        let slots: UnsafeMutablePointer<Slot>
        let filter: UnsafeMutablePointer<UInt64>
        init(capacity: Int, filterWords: Int) {
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: Slot(key: 0, value: -1), count: capacity)
            filter = .allocate(capacity: filterWords)
            filter.initialize(repeating: 0, count: filterWords)
        }
        deinit {
            slots.deallocate()
            filter.deallocate()
        }
    }

    private let storage: Storage
    @usableFromInline let slots: UnsafeMutablePointer<Slot>
    @usableFromInline let mask: Int
    @usableFromInline let filter: UnsafeMutablePointer<UInt64>
    /// 64 minus the filter's size in bits as a power of two: `key >> filterShift` is a filter bit.
    @usableFromInline let filterShift: UInt64

    /// The number of keys the table holds.
    public let count: Int

    /// `entries`' values must be 0 or more; a key of 0 is never found. A key given twice keeps
    /// its last value.
    public init(_ entries: [(UInt64, Int32)]) {
        var capacity = 16
        while capacity < entries.count * 2 + 1 { capacity <<= 1 }
        var filterBits = 512
        while filterBits < entries.count * 16 { filterBits <<= 1 }
        storage = Storage(capacity: capacity, filterWords: filterBits / 64)
        slots = storage.slots
        mask = capacity - 1
        filter = storage.filter
        filterShift = UInt64(64 - filterBits.trailingZeroBitCount)
        var count = 0
        for (key, value) in entries where key != 0 {
            precondition(value >= 0, "a hash table's values are indices, 0 or more")
            var slot = Int(truncatingIfNeeded: key ^ (key >> 29)) & mask
            while slots[slot].key != 0 && slots[slot].key != key { slot = (slot + 1) & mask }
            if slots[slot].key == 0 { count += 1 }
            slots[slot] = Slot(key: key, value: value)
            let bit = key >> filterShift
            filter[Int(bit >> 6)] |= 1 << (bit & 63)
        }
        self.count = count
    }

    /// The value stored for `key`, or nil.
    @inlinable @inline(__always)
    public func row(_ key: UInt64) -> Int32? {
        let bit = key >> filterShift
        guard filter[Int(truncatingIfNeeded: bit >> 6)] & (1 << (bit & 63)) != 0 else { return nil }
        var slot = Int(truncatingIfNeeded: key ^ (key >> 29)) & mask
        while true {
            let found = slots[slot]
            // A free slot's value is -1: a key of 0 matches it and is not found.
            if found.key == key { return found.value >= 0 ? found.value : nil }
            if found.key == 0 { return nil }
            slot = (slot &+ 1) & mask
        }
    }

    /// A structured key (two ids side by side, say) spread over all 64 bits, as the slots and
    /// the filter need; distinct keys stay distinct (an odd multiplier is a bijection), and a
    /// key of 0 becomes one that is not 0.
    @inlinable @inline(__always)
    public static func mixed(_ key: UInt64) -> UInt64 {
        (key &+ 0x6A09_E667_F3BC_C909) &* 0x9E37_79B9_7F4A_7C15
    }
}

import Testing

import HashTables

/// The open-addressing table every classifier, signal and lint look-up goes through, with its
/// filter in front: every key put in is found with its value, and nothing else is.
@Suite struct HashTableTests {
    /// A SplitMix64 step: well-mixed keys like the tokenizer's hashes, reproducible.
    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    @Test(arguments: [0, 1, 7, 300, 3_126, 20_000])
    func everyKeyIsFoundWithItsRowAndNoOtherKeyIs(count: Int) {
        var state = UInt64(count)
        var entries: [(UInt64, Int32)] = []
        var keys = Set<UInt64>()
        while entries.count < count {
            let key = Self.next(&state)
            if keys.insert(key).inserted { entries.append((key, Int32(entries.count))) }
        }
        // Keys that differ only in their low bits, or only in their top bits, share a slot or a
        // filter bit: both must still be told apart.
        if let (key, _) = entries.first {
            for flip in [UInt64(1), 1 << 63, 1 << 40] where !keys.contains(key ^ flip) {
                keys.insert(key ^ flip)
                entries.append((key ^ flip, Int32(entries.count)))
            }
        }
        let table = HashTable(entries)
        #expect(table.count == entries.count)
        for (key, row) in entries { #expect(table.row(key) == row) }
        var absent = 0
        var foundAbsent = 0
        for _ in 0..<50_000 {
            let key = Self.next(&state)
            guard !keys.contains(key) else { continue }
            absent += 1
            if table.row(key) != nil { foundAbsent += 1 }
        }
        #expect(absent > 49_000)
        #expect(foundAbsent == 0)
    }

    /// A free slot holds key 0 and row -1: looking up 0 must not find that slot.
    @Test func aKeyOfZeroIsNeverFound() {
        #expect(HashTable([]).row(0) == nil)
        #expect(HashTable([(0, 5), (42, 1)]).row(0) == nil)
        #expect(HashTable([(0, 5), (42, 1)]).row(42) == 1)
    }

    /// Structured keys (two small ids side by side, as the linter's trie edges are) are mixed
    /// first; mixed, they are found and told apart like hashes, and 0 is a key like any other.
    @Test func mixedStructuredKeysAreFoundAndToldApart() {
        var entries: [(UInt64, Int32)] = []
        for node in 0..<60 {
            for word in 0..<60 where (node * 7 + word) % 3 == 0 {
                entries.append((HashTable.mixed(UInt64(node) << 32 | UInt64(word)), Int32(entries.count)))
            }
        }
        let table = HashTable(entries)
        #expect(table.count == entries.count)
        var found = 0
        for node in 0..<70 {
            for word in 0..<70 {
                let row = table.row(HashTable.mixed(UInt64(node) << 32 | UInt64(word)))
                let expected = node < 60 && word < 60 && (node * 7 + word) % 3 == 0
                #expect((row != nil) == expected, "\(node) \(word)")
                if let row { #expect(entries[Int(row)].0 == HashTable.mixed(UInt64(node) << 32 | UInt64(word))); found += 1 }
            }
        }
        #expect(found == entries.count)
        #expect(table.row(HashTable.mixed(0)) == 0)
    }
}

/// The one FNV-1a every word hash goes through: the published 64-bit test values.
@Suite struct FNV1aTests {
    @Test func givesThePublishedValues() {
        #expect(FNV1a.hash("".utf8) == 0xCBF2_9CE4_8422_2325)
        #expect(FNV1a.hash("a".utf8) == 0xAF63_DC4C_8601_EC8C)
        #expect(FNV1a.hash("foobar".utf8) == 0x8594_4171_F739_67E8)
        #expect(FNV1a.adding(UInt8(ascii: "a"), to: FNV1a.offset) == FNV1a.hash("a".utf8))
    }
}

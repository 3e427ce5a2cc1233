/// A small deterministic random generator (SplitMix64), so generated inputs are the same on every
/// run and a failing run can be repeated from its seed.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { self.state = seed }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A number of pieces, drawn from `count`, each picked at random from `pieces` and joined:
    /// the generated inputs of the differential tests (the same for the same seed).
    public mutating func concatenation<Piece: RangeReplaceableCollection>(
        of pieces: [Piece], count: ClosedRange<Int>
    ) -> Piece {
        var result = Piece()
        for _ in 0..<Int.random(in: count, using: &self) {
            result.append(contentsOf: pieces[Int.random(in: 0..<pieces.count, using: &self)])
        }
        return result
    }
}

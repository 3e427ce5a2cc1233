/// FNV-1a, 64 bits: the hash of words that the tables are looked up by (the classifier's and
/// the signals' word hashes, the linter's ASCII words, the words before an order number). One
/// definition, so the places that hash a word byte by byte and those that hash a whole word
/// always agree.
public enum FNV1a {
    /// The hash of no bytes.
    @inlinable public static var offset: UInt64 { 0xCBF2_9CE4_8422_2325 }

    /// `hash` with `byte` added.
    @inlinable @inline(__always)
    public static func adding(_ byte: UInt8, to hash: UInt64) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// The hash of `bytes`.
    @inlinable
    public static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash = Self.offset
        for byte in bytes { hash = Self.adding(byte, to: hash) }
        return hash
    }
}

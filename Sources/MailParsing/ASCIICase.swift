/// Case-insensitive comparison of ASCII bytes (header names, keywords) without a lower-cased
/// copy: A–Z fold to a–z, every other byte is compared as it is.
public enum ASCIICase {
    /// `byte` with A–Z folded to a–z.
    @inlinable @inline(__always)
    public static func lowered(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Whether `bytes` begin with `prefix` (written in lower case), A–Z in `bytes` folded.
    @inlinable
    public static func hasPrefix<Bytes: Collection<UInt8>, Prefix: Collection<UInt8>>(
        _ bytes: Bytes, lowercased prefix: Prefix
    ) -> Bool {
        bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { Self.lowered($0) == $1 }
    }
}

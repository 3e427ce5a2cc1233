/// The parts of a mail address around its "@" signs, as `split(separator: "@")` gives them, found
/// on bytes when the address is ASCII (then no Character can join an "@" to a combining mark, so
/// bytes and Characters split alike). These run for every mail: splitting by Characters cost
/// more than the checks that use the parts.
public enum AddressText {
    /// `text.split(separator: separator, omittingEmptySubsequences: omittingEmpty)`.
    public static func parts(_ text: String, at separator: Unicode.Scalar, omittingEmpty: Bool = true) -> [Substring] {
        guard separator.isASCII, text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.split(separator: Character(separator), omittingEmptySubsequences: omittingEmpty)
        }
        return text.utf8.split(separator: UInt8(separator.value), omittingEmptySubsequences: omittingEmpty)
            .map { Substring($0) }
    }

    /// The first non-empty part between "@" signs: the local part ("" when there is none).
    public static func localPart(_ address: String) -> Substring { parts(address, at: "@").first ?? "" }

    /// The last non-empty part between "@" signs: the domain ("" when there is none).
    public static func domainPart(_ address: String) -> Substring { parts(address, at: "@").last ?? "" }
}

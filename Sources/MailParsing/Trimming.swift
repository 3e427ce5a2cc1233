/// Trimming without Foundation: `trimmingCharacters(in:)` goes through NSString and a
/// CharacterSet on every call, and was a large part of parsing and first-name guessing. The same
/// result, on Unicode scalars as a CharacterSet works.
extension StringProtocol {
    /// The text without the scalars at either end for which `drop` holds.
    public func trimmingScalars(_ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = self.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, drop(scalars[start]) { start = scalars.index(after: start) }
        while start < end {
            let before = scalars.index(before: end)
            guard drop(scalars[before]) else { break }
            end = before
        }
        if start == scalars.startIndex && end == scalars.endIndex { return String(self) }
        // Scalar boundaries are UTF-8 boundaries: copy the bytes between them at once (appending
        // scalar by scalar cost about 30 instructions a scalar, and this runs on whole lines).
        return String(decoding: self.utf8[start..<end], as: UTF8.self)
    }
}

/// Scalar classes for `trimmingScalars`, matching Foundation's CharacterSets of the same names.
public enum ScalarClass {
    /// `CharacterSet.whitespaces`: tab and the space separators (Zs).
    @inline(__always)
    public static func whitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || (scalar.value >= 0x80 && scalar.properties.generalCategory == .spaceSeparator)
    }

    /// `CharacterSet.whitespacesAndNewlines`: also LF, VT, FF, CR, NEL and the line and
    /// paragraph separators.
    @inline(__always)
    public static func whitespaceOrNewline(_ scalar: Unicode.Scalar) -> Bool {
        (0x0A...0x0D).contains(scalar.value) || scalar.value == 0x85 || scalar.value == 0x2028
            || scalar.value == 0x2029 || Self.whitespace(scalar)
    }
}

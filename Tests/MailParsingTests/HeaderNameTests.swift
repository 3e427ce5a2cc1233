import TactTestSupport
import Testing

@testable import MailParsing

/// Triage looks header fields up by name many times a message: names are compared by bytes
/// where they are ASCII. This holds that to the `lowercased()` comparison it replaces.
@Suite struct HeaderNameTests {
    static let namePieces: [String] = [
        "List", "list", "LIST", "-", "Id", "id", "Unsubscribe", "X", "x", "Auto", "Return", "Path", "K", "\u{212A}",
        "İ", "ı", "é", "E\u{301}", "ß", "Σ", "ς", "_", ":",
    ]

    /// Header names compared by bytes, against `lowercased()` as before, on names that mix case,
    /// non-ASCII letters whose lower case has another length (İ, the Kelvin sign) and ASCII.
    @Test func headerNamesCompareAsLowercased() {
        var random = SplitMix64(seed: 0x11575)
        let targets = ["list-id", "list-", "return-path", "x-autoreply", "k", "kk", "i̇", "list-unsubscribe"]
        var matched = 0
        for _ in 0..<20_000 {
            let field = HeaderField(name: random.concatenation(of: Self.namePieces, count: 1...4), value: "")
            for target in targets {
                let expected = field.name.utf8.count == target.utf8.count && field.name.lowercased() == target
                #expect(field.hasName(target) == expected, "\(field.name.debugDescription) vs \(target)")
                if expected { matched += 1 }
                #expect(field.nameHasPrefix(target) == field.name.lowercased().hasPrefix(target),
                    "\(field.name.debugDescription) prefix \(target)")
            }
        }
        #expect(matched > 200, "\(matched)")
    }

    /// The byte fold every one of those comparisons (and the header block's) rests on: each
    /// ASCII byte as `lowercased()` lowers it, every other byte unchanged.
    @Test func everyByteFoldsAsLowercasedDoes() {
        for byte in UInt8.min...UInt8.max {
            let expected = byte < 0x80 ? Array(String(UnicodeScalar(byte)).lowercased().utf8)[0] : byte
            #expect(ASCIICase.lowered(byte) == expected, "byte \(byte)")
        }
        // Around the letters' edges: "@" before A, "[" after Z, "`" before a, "{" after z.
        let name = "@AZ[`az{"
        #expect(ASCIICase.hasPrefix(name.utf8, lowercased: "@az[`az{".utf8))
        #expect(!ASCIICase.hasPrefix(name.utf8, lowercased: "@az[`az{x".utf8))
        #expect(!ASCIICase.hasPrefix(name.utf8, lowercased: "@AZ".utf8))
    }
}

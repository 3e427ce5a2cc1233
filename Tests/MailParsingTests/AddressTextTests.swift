import TactTestSupport
import Testing

@testable import MailParsing

/// Address parts are split by bytes for ASCII addresses; these hold them to splitting Characters,
/// on generated input with what the two could disagree on: combining marks right after an "@",
/// non-ASCII letters, empty parts and several "@" signs.
@Suite struct AddressTextTests {
    static let pieces: [String] = [
        "@", "@", "jane", "NoReply", "mailer-daemon", "owner-list", "bounces+x", "-request", "shop.example", ".", "é",
        "\u{301}", "É", "x", "postmaster", "", "İ", "ß", " ", "<", "\"",
    ]

    @Test func partsAreThoseOfSplittingCharacters() {
        var random = SplitMix64(seed: 0xADD7E55)
        for _ in 0..<40_000 {
            let address = random.concatenation(of: Self.pieces, count: 0...5)
            let parts = address.split(separator: "@")
            #expect(AddressText.parts(address, at: "@") == parts, "\(address.debugDescription)")
            #expect(AddressText.parts(address, at: "@", omittingEmpty: false)
                == address.split(separator: "@", omittingEmptySubsequences: false), "\(address.debugDescription)")
            #expect(AddressText.localPart(address) == (parts.first ?? ""), "\(address.debugDescription)")
            #expect(AddressText.domainPart(address) == (parts.last ?? ""), "\(address.debugDescription)")
        }
    }
}

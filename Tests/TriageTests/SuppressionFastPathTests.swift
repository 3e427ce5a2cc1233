import TactTestSupport
import Testing

@testable import Triage

/// Suppression runs for every mail, so its subject check reads bytes where it can. This holds the
/// byte path to the Character path it replaces, on generated input that mixes what bytes and
/// Characters disagree on: case, Unicode white space, combining marks right after the first
/// letter, and the prefixes themselves. (The address parts are tested in MailParsingTests.)
@Suite struct SuppressionFastPathTests {
    static let subjectPieces: [String] = SuppressionPolicy.outOfOfficePrefixes.map { String($0.prefix(9)) }
        + SuppressionPolicy.outOfOfficePrefixes.map { $0.uppercased() }
        + [
            " ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{A0}", "\u{3000}", "\u{85}", "\u{1C}", "a", "A", "o", "O",
            "r", "R", "v", "x", "X", "\u{301}", "\u{30A}", "é", "É", "e\u{301}", "Re: ", "[Ticket 5] ", "ooo", ":",
            "Out", "of", "office", "自", "а", "İ", "ǅ", "🙂", "auto", "-reply", "matic reply",
        ]

    /// Checks the byte path against the Character path on 40,000 strings made of `pieces`, and
    /// returns how many the byte path found something in.
    static func compareOnGeneratedInput<Answer: Equatable>(
        seed: UInt64, pieces: [String], count: ClosedRange<Int>, fast: (String) -> Answer,
        characters: (String) -> Answer, found: (Answer) -> Bool
    ) -> Int {
        var random = SplitMix64(seed: seed)
        var hits = 0
        for _ in 0..<40_000 {
            let input = random.concatenation(of: pieces, count: count)
            let answer = fast(input)
            #expect(answer == characters(input), "\(input.debugDescription)")
            if found(answer) { hits += 1 }
        }
        return hits
    }

    @Test func theOutOfOfficePrefixIsFoundAsByComparingCharacters() {
        let found = Self.compareOnGeneratedInput(
            seed: 0x0FF1CE, pieces: Self.subjectPieces, count: 0...4, fast: SuppressionPolicy.outOfOfficePrefix,
            characters: SuppressionPolicy.outOfOfficePrefixComparingCharacters, found: { $0 != nil })
        // The generated subjects hit the prefixes often enough for the comparison to mean something.
        #expect(found > 2_000, "\(found)")
        for prefix in SuppressionPolicy.outOfOfficePrefixes {
            #expect(SuppressionPolicy.outOfOfficePrefix(" \t" + prefix.uppercased() + ": away") != nil, "\(prefix)")
        }
    }

    static let authenticationPieces: [String] = [
        "dmarc=fail", "DMARC=FAIL", "dmarc=pass", "d", "dm", "dmarc", "=", "fail", "FaIl", "dmarc =", " fail", "\t",
        "\r\n ", "\n", "\u{0B}", "\u{0C}", "\u{A0}", "\u{85}", "\u{3000}", "\u{1C}", ";", " (p=reject)", "ddmarc=f",
        "dmarc=fai", "l", "é", "\u{301}", "İ", "K", "\u{212A}", "mx.example.net; spf=pass", "header.from=x",
    ]

    /// The Authentication-Results check by bytes against the Character form it replaces: case,
    /// blanks inside the phrase, Unicode white space (which the Character form skips), a restart
    /// after a near miss ("ddmarc", "dmarc=fai" then "l").
    @Test func dmarcFailureIsFoundAsByComparingCharacters() {
        let found = Self.compareOnGeneratedInput(
            seed: 0xD3A8C, pieces: Self.authenticationPieces, count: 0...6, fast: SuppressionPolicy.reportsDMARCFailure,
            characters: SuppressionPolicy.reportsDMARCFailureComparingCharacters, found: { $0 })
        #expect(found > 2_000, "\(found)")
        #expect(SuppressionPolicy.reportsDMARCFailure("mx; DMARC = Fail (p=none)"))
        #expect(!SuppressionPolicy.reportsDMARCFailure("mx; dmarc=pass; spf=fail"))
    }
}

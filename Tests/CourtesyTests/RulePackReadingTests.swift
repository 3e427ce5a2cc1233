import Foundation
import Testing

@testable import Courtesy

/// TOMLKit never frees a parsed document (LebJe/TOMLKit#26), so a rule pack read again at every
/// reload would leak ~210 KB each time. `DecodedTexts` keeps the last few decoded texts: these
/// tests hold that a text is parsed once, that what is reported still names the file read now,
/// and that the memory kept is bounded.
@Suite struct RulePackReadingTests {
    private static func pack(id: String, phrase: String = "cheese") -> String {
        """
        [[rule]]
        id = "\(id)"
        kind = "existence"
        severity = "warning"
        message = "m"
        principle = "p"
        phrases = ["\(phrase)"]

        """
    }

    @Test func aTextReadAgainIsNotParsedAgain() throws {
        let documents = DecodedTexts()
        let text = Self.pack(id: "again")
        let first = try RulePack(text: text, file: "first.toml", documents: documents)
        let second = try RulePack(text: text, file: "second.toml", documents: documents)
        let third = try RulePack(text: text, file: "third.toml", documents: documents)
        #expect(documents.timesParsed(text) == 1)
        #expect(first.rules == second.rules && second.rules == third.rules)
        #expect(first.rules.map(\.id) == ["again"])
        #expect([first.files, second.files, third.files] == [["first.toml"], ["second.toml"], ["third.toml"]])
    }

    @Test func errorsOfAKeptTextNameTheFileReadNow() throws {
        let documents = DecodedTexts()
        // Valid TOML, so it is decoded and kept; the duplicate id is found after decoding.
        let text = Self.pack(id: "twice") + Self.pack(id: "twice")
        for file in ["a.toml", "b.toml"] {
            #expect {
                _ = try RulePack(text: text, file: file, documents: documents)
            } throws: { error in
                guard let error = error as? RulePackError else { return false }
                return error.file == file && error.line == 9 && error.problem.hasPrefix("duplicate rule id `twice`")
            }
        }
        #expect(documents.timesParsed(text) == 1)
    }

    @Test func aTextWithSyntaxErrorsIsNotKept() throws {
        let documents = DecodedTexts()
        let text = Self.pack(id: "broken") + "[[rule]]\nid = \"open\n"
        for _ in 0..<2 {
            #expect(throws: RulePackError.self) { try RulePack(text: text, file: "broken.toml", documents: documents) }
        }
        #expect(documents.timesParsed(text) == 0)
    }

    @Test func onlyTheLastFewTextsAreKept() throws {
        let documents = DecodedTexts()
        let texts = (0...DecodedTexts.capacity).map { Self.pack(id: "rule-\($0)") }
        for text in texts { _ = try RulePack(text: text, file: "pack.toml", documents: documents) }
        #expect(documents.timesParsed(texts[0]) == 0)
        #expect(texts.dropFirst().allSatisfy { documents.timesParsed($0) == 1 })
        // Reading the oldest again parses it again (and drops the next oldest).
        _ = try RulePack(text: texts[0], file: "pack.toml", documents: documents)
        #expect(documents.timesParsed(texts[0]) == 1)
        #expect(documents.timesParsed(texts[1]) == 0)
    }

    @Test func aTextInAnotherUnicodeFormIsAnotherText() throws {
        let documents = DecodedTexts()
        let composed = Self.pack(id: "accent", phrase: "caf\u{E9}")
        let decomposed = Self.pack(id: "accent", phrase: "cafe\u{301}")
        #expect(composed == decomposed)  // Swift's String == ignores the normal form
        let first = try RulePack(text: composed, file: "pack.toml", documents: documents)
        let second = try RulePack(text: decomposed, file: "pack.toml", documents: documents)
        #expect(documents.timesParsed(composed) == 1 && documents.timesParsed(decomposed) == 1)
        #expect(Array(try #require(first.rules.first?.phrases.first).utf8) == Array("caf\u{E9}".utf8))
        #expect(Array(try #require(second.rules.first?.phrases.first).utf8) == Array("cafe\u{301}".utf8))
    }

    @Test func thePublicReaderKeepsWhatItDecoded() throws {
        // `RulePack(text:file:)` (what `tact run` reads at start and at every reload) uses the
        // process's `DecodedTexts.shared`. Other suites read packs meanwhile and could push a
        // text out between two reads, so a few fresh texts are tried.
        var keptOnce = false
        for attempt in 0..<5 where !keptOnce {
            let text = Self.pack(id: "shared-\(UUID().uuidString.lowercased())-\(attempt)")
            _ = try RulePack(text: text, file: "pack.toml")
            _ = try RulePack(text: text, file: "pack.toml")
            keptOnce = DecodedTexts.shared.timesParsed(text) == 1
        }
        #expect(keptOnce)
    }
}

import Courtesy
import Foundation
import Testing

@testable import Configuration

/// Inputs the fuzzer (scripts/fuzz config) found crashing the loader, kept as regressions, and
/// the TOML preflight that fixed them.
@Suite struct ConfigurationFuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    func parse(_ text: String) -> Result<TactConfiguration, ConfigurationError> {
        do {
            return .success(try TactConfiguration.parse(toml: text, source: "/etc/tact/tact.toml", environment: [:]))
        } catch {
            return .failure(error)
        }
    }

    /// Each input ran the process into toml++'s assertion (SIGABRT) before the fix.
    @Test func everyRecordedCrashIsNowATypedError() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasPrefix("crash-") }
        #expect(!files.isEmpty)
        for file in files {
            let data = try Data(contentsOf: Self.folder.appendingPathComponent(file))
            guard case .failure(let error) = parse(String(decoding: data, as: UTF8.self)) else {
                Issue.record("\(file) should be refused")
                continue
            }
            #expect(error.kind == .syntax, "\(file): \(error)")
        }
    }

    @Test(arguments: ["[é]\n", "[\n", "[[#x]]\n", "[ =]\n", "[[\u{FFFD}mailbox]]\n", "  [\t+]\n"])
    func aTableHeaderThatDoesNotStartWithANameIsASyntaxErrorWithItsLine(_ text: String) throws {
        guard case .failure(let error) = parse("# first\n" + text) else {
            Issue.record("\(text.debugDescription) must be refused")
            return
        }
        #expect(error.kind == .syntax)
        #expect(error.line == 2, "\(error)")
        #expect(error.description.contains("table header"))
    }

    @Test func bracketsInsideStringsCommentsAndArraysAreNotHeaders() throws {
        let text = """
            [[mailbox]]
            name = "support"
            host = "127.0.0.1"
            security = "plain"
            user = "u"
            password_file = "/run/p"
            own_addresses = [
                "support@example.com", # [é] in a comment
            ]
            signature = \"\"\"
            [é] Example Ltd
            [ also fine
            \"\"\"
            team_name = '[#] team'
            """
        let configuration = try parse(text).get()
        #expect(configuration.mailboxes[0].signature.hasPrefix("[é] Example Ltd"))
    }

    /// toml++ asserted (SIGABRT) on a `}` or a Unicode line break where an array expects a value
    /// (found by `scripts/fuzz rules` on 2 December; the configuration loader shares the parser).
    @Test(arguments: [
        "x = [\n}\n", "x = [ }\n", "x = [1, }\n", "x = [ # note\n  }\n", "x = [ { a = 1 }, }\n", "x = [[ }]]\n",
        "x = { a = [ } ] }\n", "x = [\u{2028}1]\n", "x = [1, \u{2029} ]\n", "x = [\u{85}1]\n",
    ])
    func anArrayWithoutAValueWhereOneMustBeIsASyntaxErrorWithItsLine(_ text: String) throws {
        guard case .failure(let error) = parse("[daemon]\n" + text) else {
            Issue.record("\(text.debugDescription) must be refused")
            return
        }
        #expect(error.kind == .syntax)
        #expect(error.line == (text.hasPrefix("x = [\n") || text.contains("# note") ? 3 : 2), "\(error)")
        #expect(error.description.contains("an array holds"), "\(error)")
        // The character is named: a brace as itself, an invisible line break by its code point.
        let named = text.contains("}") ? "'}'" : text.contains("\u{85}") ? "U+0085" : text.contains("\u{2028}") ? "U+2028" : "U+2029"
        #expect(error.description.contains("an array holds \(named)"), "\(error)")
    }

    /// Arrays as people write them are not flagged: spread over lines, with comments, trailing
    /// commas, nested arrays and inline tables, braces inside strings.
    @Test func wellFormedArraysPassThePreflight() {
        let text = """
            a = [
              "one", # first
              "two",
            ]
            b = [ [1, 2], [3] ]
            c = [ { name = "x" }, { name = "}" } ]
            d = [ "}", '}' ]
            e = []
            """
        #expect(TOMLPreflight.problem(in: text) == nil)
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config")
        for name in ["tact.toml", "courtesy.toml"] {
            let file = (try? String(contentsOf: shipped.appendingPathComponent(name), encoding: .utf8)) ?? ""
            #expect(!file.isEmpty)
            #expect(TOMLPreflight.problem(in: file) == nil, "\(name)")
        }
    }
}

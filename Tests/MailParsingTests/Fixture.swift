import Foundation
import MailParsing

/// Fixture mail shipped with the tests (Tests/MailParsingTests/Fixtures).
enum Fixture {
    static func data(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: "eml", subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        return try Data(contentsOf: url)
    }

    static func parse(_ name: String) throws -> InboundMessage {
        try MailParser().parse(try self.data(name))
    }

    /// A message built from lines, joined with CRLF as on the wire.
    static func message(_ lines: String) -> Data {
        Data(lines.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    let name: String
    var description: String { "fixture \(self.name).eml is missing from Tests/MailParsingTests/Fixtures" }
}

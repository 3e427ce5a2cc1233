import Foundation
import TactTestSupport
import Testing

@testable import MailParsing

/// Text parts in UTF-8 (or US-ASCII, or unlabelled) are read without GMime's charset conversion.
/// The parse must come out the same as through the conversion, for every mail Tact ships with and
/// for generated parts in every label, transfer encoding and byte mix that matters.
@Suite struct DirectTextTests {
    static func bothWays(_ data: Data) -> (direct: InboundMessage?, converted: InboundMessage?) {
        var converting = MailParser()
        converting.readsUTF8Directly = false
        return (try? MailParser().parse(data), try? converting.parse(data))
    }

    static var repositoryMail: [URL] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var urls: [URL] = []
        for folder in ["corpus", "Tests/MailParsingTests/Fixtures", "demo/mail"] {
            let base = root.appendingPathComponent(folder)
            guard let walk = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walk where url.pathExtension == "eml" { urls.append(url) }
        }
        return urls
    }

    @Test func everyShippedMailParsesTheSameBothWays() throws {
        let urls = Self.repositoryMail
        #expect(urls.count > 500, "found \(urls.count) .eml files")
        for url in urls {
            let (direct, converted) = Self.bothWays(try Data(contentsOf: url))
            #expect(direct == converted, "\(url.lastPathComponent)")
        }
    }

    /// One text part: a label (or none), a transfer encoding, and bytes.
    static func mail(label: String?, encoding: String, body: [UInt8], html: Bool) -> Data {
        var encoded: [UInt8]
        switch encoding {
        case "base64":
            encoded = Array(Data(body).base64EncodedString(options: .lineLength76Characters).utf8)
        case "quoted-printable":
            encoded = []
            for byte in body {
                if byte == 0x0A || (byte >= 0x20 && byte < 0x7F && byte != 0x3D) {
                    encoded.append(byte)
                } else {
                    encoded += Array(String(format: "=%02X", byte).utf8)
                }
            }
        default:
            encoded = body
        }
        let type = html ? "text/html" : "text/plain"
        var head = "From: Jane Doe <jane@example.com>\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
        head += "Content-Type: \(type)" + (label.map { "; charset=\($0)" } ?? "") + "\r\n"
        head += "Content-Transfer-Encoding: \(encoding)\r\n\r\n"
        return Data(Array(head.utf8) + encoded + Array("\r\n".utf8))
    }

    @Test func generatedPartsParseTheSameBothWays() {
        let labels: [String?] = [nil, "utf-8", "UTF-8", "utf8", "us-ascii", "US-ASCII", "ascii", "iso-8859-1", "windows-1252"]
        let encodings = ["7bit", "8bit", "base64", "quoted-printable"]
        let pieces: [[UInt8]] = [
            Array("Hello Jane, where is order 4471?\n".utf8), Array("Grüße, Zoë – €5\n".utf8), Array("語\n".utf8),
            Array("\u{1F44D}".utf8), [0x00], [0xE9], [0xFF, 0xFE], [0xC3], [0x80], Array("\r\n".utf8),
            Array("Thanks,\nJane\n".utf8), Array("<p>Hi</p>".utf8),
        ]
        var random = SplitMix64(seed: 3)
        var direct = 0
        for _ in 0..<1_500 {
            let body = random.concatenation(of: pieces, count: 0...6)
            let label = labels[Int.random(in: 0..<labels.count, using: &random)]
            let encoding = encodings[Int.random(in: 0..<encodings.count, using: &random)]
            let data = Self.mail(label: label, encoding: encoding, body: body, html: Bool.random(using: &random))
            let (fast, slow) = Self.bothWays(data)
            #expect(fast == slow, "label \(label ?? "none"), \(encoding), bytes \(body)")
            if fast != nil, String(validating: body, as: UTF8.self) != nil { direct += 1 }
        }
        #expect(direct > 300)
    }
}

/// A text part's bytes are validated run by run (ASCII runs found eight bytes at a time); the
/// answer must be `String(validating:)`'s for every text, valid or not, with few non-ASCII runs
/// or many.
@Suite struct ValidatedTextTests {
    @Test func isWhatValidatingTheWholeGives() {
        let pieces: [[UInt8]] = [
            Array("Hello there, ".utf8), Array("order 4471".utf8), Array("\n".utf8), Array("é".utf8), Array("’".utf8),
            Array("語".utf8), Array("😀".utf8), [0xFF], [0xC3], [0x80], [0xE2, 0x80], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80],
            [0xC0, 0xAF], [0], Array("abcdefgh".utf8), Array(repeating: UInt8(ascii: "x"), count: 70),
        ]
        var random = SplitMix64(seed: 0x7A11D)
        var valid = 0
        var manyRuns = 0
        for round in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 30) {
                // Most rounds mostly ASCII, some mostly not (the whole-text fallback).
                let index = Int(random.next() % UInt64(pieces.count))
                let piece = round % 5 == 0 || index < 4 || index > 14 ? pieces[index] : pieces[Int(random.next() % 4)]
                bytes += piece
            }
            let expected = bytes.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
            let found = bytes.withUnsafeBufferPointer { PartWalk.validatedText($0) }
            if expected != nil { valid += 1 }
            if bytes.filter({ $0 >= 0x80 }).count > bytes.count / 16 { manyRuns += 1 }
            #expect(found == expected, "\(bytes)")
            if let found, let expected { #expect(Array(found.utf8) == Array(expected.utf8)) }
        }
        #expect(valid > 5_000 && valid < 19_000, "\(valid) valid")
        #expect(manyRuns > 1_000)
        #expect(PartWalk.validatedText(UnsafeBufferPointer(start: nil, count: 0)) == "")
        // Many runs (past the point where the whole is validated at once), then a bad byte, or none.
        for tail: [UInt8] in [[0xFF], [0xE2, 0x80], Array("ok".utf8)] {
            let bytes = Array(String(repeating: "é a ", count: 40).utf8) + tail
            let expected = bytes.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
            #expect(bytes.withUnsafeBufferPointer { PartWalk.validatedText($0) } == expected)
        }
    }
}

import Foundation
import TactTestSupport
import Testing

@testable import MailParsing

/// The part-count guard reads every `boundary=` value in a message. It finds them from the `=`
/// signs now; it must find what a comparison at every byte finds.
@Suite struct BoundaryScanTests {
    /// The scan at every byte (as it was, with `=` compared exactly).
    static func reference(_ bytes: [UInt8]) -> Set<[UInt8]> {
        let name = Array("boundary=".utf8)
        var result: Set<[UInt8]> = []
        var index = 0
        while index + name.count < bytes.count {
            var matched = 0
            while matched < name.count, matched < 8 ? bytes[index + matched] | 0x20 == name[matched]
                : bytes[index + matched] == name[matched]
            {
                matched += 1
            }
            guard matched == name.count else {
                index += 1
                continue
            }
            // The value is read as the parser reads it; the search for the name is what is compared.
            let value = bytes.withUnsafeBufferPointer { MailParser.parameterValue($0, at: index + name.count) }
            if !value.isEmpty && value.count <= 200 { result.insert(Array(bytes[value])) }
            index = max(value.upperBound, index + 1)
        }
        return result
    }

    @Test func findsWhatAScanAtEveryByteFinds() {
        let pieces: [[UInt8]] = [
            "boundary=", "BOUNDARY=", "Boundary=\"", "boundary", "=", "\"", ";", " ", "\t", "\n", "\r\n", "abc", "--",
            "x=y", "boundar", "y=", "=\"", "b", "oundary=", "Content-Type: multipart/mixed; ",
            String(repeating: "v", count: 120),
        ].map { Array($0.utf8) }
        var random = SplitMix64(seed: 9)
        var found = 0
        for _ in 0..<20_000 {
            let bytes = random.concatenation(of: pieces, count: 0...12)
            let scanned = bytes.withUnsafeBufferPointer { MailParser.declaredBoundaries($0) }
            #expect(scanned == Self.reference(bytes), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            found += scanned.count
        }
        #expect(found > 5_000)
        let mail = Array("Content-Type: multipart/mixed; boundary=\"outer\"\n\n--outer\nContent-Type: multipart/alternative;\n boundary=inner; x=1\n".utf8)
        #expect(mail.withUnsafeBufferPointer { MailParser.declaredBoundaries($0) } == [Array("outer".utf8), Array("inner".utf8)])
    }
}

/// The parser's line scans find line feeds and carriage returns with `memchr`; they must give
/// what a byte-by-byte walk gives (the walks they replaced, kept here).
@Suite struct LineScanTests {
    static let pieces = ["\r\n", "\r", "\n", "\r\r\n", "a", "é", "Content-Type: text/plain", "content-type :x", "--b1",
        "--b1--", "boundary=b1", " ", "Content-Typo:", "语"]

    static func referenceUnixLineEnds(_ text: String) -> String {
        guard text.utf8.contains(13) else { return text }
        var output: [UInt8] = []
        var previousCR = false
        for byte in text.utf8 {
            if byte == 13 {
                output.append(10)
                previousCR = true
                continue
            }
            if !(byte == 10 && previousCR) { output.append(byte) }
            previousCR = false
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func referenceContentTypeLines(_ bytes: [UInt8]) -> Int {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).filter { line in
            let name = Array("content-type".utf8)
            guard line.count >= name.count, zip(line, name).allSatisfy({ $0 | 0x20 == $1 }) else { return false }
            return line.dropFirst(name.count).drop { $0 == 0x20 || $0 == 0x09 }.first == 0x3A
        }.count
    }

    @Test func scansGiveWhatByteWalksGive() {
        var random = SplitMix64(seed: 77)
        let texts = (0..<5_000).map { _ in random.concatenation(of: Self.pieces, count: 0...14) }
        // Most texts hold a CR to convert, not only the ones without.
        #expect(texts.filter { Self.referenceUnixLineEnds($0) != $0 }.count > 1_000)
        for text in texts {
            #expect(MailParser.unixLineEnds(text) == Self.referenceUnixLineEnds(text), "\(text.debugDescription)")
            #expect(MailParser.countContentTypeLines(Data(text.utf8)) == Self.referenceContentTypeLines(Array(text.utf8)),
                "\(text.debugDescription)")
        }
        #expect(MailParser.countDelimiterLines(Data("boundary=b1\n--b1\r\nx\n--b1 \n--b1--\n--b2\n--b1".utf8)) == 3)
    }

    /// A UTF-8 text part holding a NUL is read up to it, as `String(cString:)` reads GMime's
    /// conversion of any other part; one without is read whole.
    @Test func aTextPartIsReadUpToANul() throws {
        func body(_ text: [UInt8]) throws -> String {
            let head = "From: a@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            return try MailParser().parse(Data(Array(head.utf8) + text)).body
        }
        #expect(try body(Array("Grüße, order 12\r\nline two\r\n".utf8)) == "Grüße, order 12\nline two\n")
        #expect(try body(Array("Grüße".utf8) + [0] + Array(" hidden\r\n".utf8)) == "Grüße")
        #expect(try body([0] + Array("hidden".utf8)) == "")
    }
}

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

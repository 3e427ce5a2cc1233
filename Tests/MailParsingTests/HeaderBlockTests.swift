import CGMime
import Foundation
import TactTestSupport
import Testing

@_spi(Testing) @testable import MailParsing

/// A plainly well-formed header block is split by Tact and GMime builds only the MIME part. The
/// parse must come out as GMime's message object gives it, for every mail Tact ships with, in LF
/// and CRLF, and for the header shapes where the two could part.
@Suite struct HeaderBlockTests {
    /// The message parsed with the block split (when it is plain) and by GMime's message object.
    static func bothWays(_ data: Data) -> (split: Result<InboundMessage, MailParseError>, whole: Result<InboundMessage, MailParseError>) {
        var whole = MailParser()
        whole.splitsHeaders = false
        return (
            Result { () throws(MailParseError) in try MailParser().parse(data) },
            Result { () throws(MailParseError) in try whole.parse(data) })
    }

    /// The properties in which two parses differ, for a readable failure.
    static func differences(_ split: Result<InboundMessage, MailParseError>, _ whole: Result<InboundMessage, MailParseError>) -> String {
        guard case .success(let a) = split, case .success(let b) = whole else { return "\(split) / \(whole)" }
        let pairs = zip(Mirror(reflecting: a).children, Mirror(reflecting: b).children)
        return pairs.filter { String(describing: $0.0.value) != String(describing: $0.1.value) }
            .map { "\($0.0.label ?? "?"): \($0.0.value) / \($0.1.value)" }.joined(separator: "; ")
    }

    /// Whether the parse takes the split path (the block plain, its address fields read).
    static func isSplit(_ data: Data) -> Bool {
        let options = MailParser.parserOptions()
        defer { g_mime_parser_options_free(options) }
        guard let split = MailParser.splitTopLevel(data, options: options) else { return false }
        g_object_unref(split.part)
        return true
    }

    static func crlf(_ data: Data) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + data.count / 16)
        var previous: UInt8 = 0
        for byte in data {
            if byte == 0x0A, previous != 0x0D { out.append(0x0D) }
            out.append(byte)
            previous = byte
        }
        return Data(out)
    }

    @Test func everyShippedMailParsesTheSameSplitOrWhole() throws {
        let urls = DirectTextTests.repositoryMail
        #expect(urls.count > 500, "found \(urls.count) .eml files")
        var splitCount = 0
        for url in urls {
            let lf = try Data(contentsOf: url)
            for data in [lf, Self.crlf(lf)] {
                let (split, whole) = Self.bothWays(data)
                #expect(split == whole, "\(url.lastPathComponent): \(Self.differences(split, whole))")
                if Self.isSplit(data) { splitCount += 1 }
            }
        }
        // Most shipped mail is plain (the rest has 8-bit headers or repeated fields): the
        // comparison above must have run the split path, not only the fallback.
        #expect(splitCount > urls.count * 2 * 9 / 10, "\(splitCount) of \(urls.count * 2) split")
    }

    /// Header shapes at the edges of what is split, each with whether it is split.
    static let shapes: [(name: String, split: Bool, message: String)] = [
        ("folded, encoded words, groups", true, """
            From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>
            To: Support <support@shop.example>, "Sales, EU" <sales@shop.example>
            Cc: team: a@example.org, b@example.org;, c@example.org
            Reply-To: =?iso-8859-1?b?Q2zpbWVudA==?= <clement@example.fr>
            Subject: =?utf-8?b?V2hlcmUgaXMgbXkgb3JkZXI/?=
             folded =?utf-8?q?=E2=82=AC12?= and
            \tmore
            Date: Tue, 3 Nov 2026 09:00:00 +0100 (CET)
            Message-ID: <x.1@example.de>
            In-Reply-To: <a@b> <c@d>
            References: <r1@x>
             <r2@x>\t<r3@x>
            MIME-Version: 1.0
            Content-Type: text/plain;
             charset="utf-8";
             format=flowed
            Content-Transfer-Encoding: quoted-printable

            Gr=C3=BC=C3=9Fe, wo ist meine Bestellung?

            """),
        ("empty values and no space after colons", true, """
            From:a@example.org
            To:
            Subject:
            Date:
            Message-ID:
            In-Reply-To:
            X-Empty:
            Content-Type:text/plain

            Body.

            """),
        ("unusual but valid names, no Content-Type, trailing blanks", true, """
            X-Weird(Name)!#$%&'*+/=?^_`{|}~: value  \t
            From: "Doe, Jane" <jane@example.org>  
            Subject:   spaced   out   
            Date: not a date at all
            Message-ID: no-brackets@example.org

            Plain text without a Content-Type.

            """),
        ("multipart with an attachment", true, """
            From: Ann <ann@example.org>
            To: support@shop.example
            Subject: Invoice attached
            Content-Type: multipart/mixed;
            \tboundary="b1"
            MIME-Version: 1.0

            --b1
            Content-Type: text/plain; charset=us-ascii

            See attached.
            --b1
            Content-Type: application/pdf; name="invoice.pdf"
            Content-Disposition: attachment; filename="invoice.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --b1--

            """),
        ("empty body", true, """
            From: a@example.org
            Subject: nothing


            """),
        // Found by the fuzzer: the message object's address parser keeps the group it read
        // before the unclosed comment; the public parser gives nothing, so GMime parses it all.
        ("an unclosed comment in From", false, """
            Return-Path: <>
            From: Mail Delivery System <MAILER-DAEMON tus;,boundary=x: rfc822;(slow@example.com
            Action: d

            From: Shop Sender

            """),
        ("no address at all in To and Cc, blank Reply-To", true, """
            From: a@example.org
            To: undisclosed-recipients:;
            Cc:   \t
            Reply-To:

            Body.

            """),
        ("only Content-* fields: no message header, as GMime's message has none", true, """
            Content-Type: text/plain
            Content-Transfer-Encoding: 7bit

            Body.

            """),
        ("a second Subject", false, """
            From: a@example.org
            Subject: one
            Subject: two

            Body.

            """),
        ("a second From", false, """
            From: a@example.org
            From: b@example.org

            Body.

            """),
        ("8-bit bytes in values, UTF-8 and latin-1", true, """
            From: Jürgen <j@example.de>
            Subject: Grüße
            X-Latin: caf<E9>

            Body.

            """),
        ("8-bit bytes in a name", false, """
            From: j@example.de
            Grüße: hello

            Body.

            """),
        ("a line without a colon", false, """
            From: a@example.org
            this is not a header
            Subject: x

            Body.

            """),
        ("a blank before the colon", false, """
            From : a@example.org
            Subject: x

            Body.

            """),
        ("a continuation first", false, """
             folded: first
            From: a@example.org

            Body.

            """),
        ("an mbox From line", false, """
            From a@example.org Mon Nov  2 10:00:00 2026
            From: a@example.org

            Body.

            """),
        ("no blank line", false, """
            From: a@example.org
            Subject: headers only
            """),
    ]

    /// The shape's text as bytes, `<E9>` written as that one byte (latin-1 é, invalid UTF-8).
    static func bytes(_ text: String) -> Data {
        var bytes = Array(text.utf8)
        let marker = Array("<E9>".utf8)
        while let at = (0..<bytes.count).first(where: { bytes[$0...].starts(with: marker) }) {
            bytes.replaceSubrange(at..<(at + marker.count), with: [0xE9])
        }
        return Data(bytes)
    }

    @Test(arguments: 0..<shapes.count)
    func shapeParsesTheSameSplitOrWhole(_ index: Int) {
        let shape = Self.shapes[index]
        let lf = Self.bytes(shape.message)
        for data in [lf, Self.crlf(lf)] {
            #expect(Self.isSplit(data) == shape.split, "\(shape.name)")
            let (split, whole) = Self.bothWays(data)
            #expect(split == whole, "\(shape.name): \(Self.differences(split, whole))")
        }
    }

    @Test func theSplitReadsWhatTheShapeSays() throws {
        let message = try MailParser().parse(Data(Self.shapes[0].message.utf8))
        #expect(message.from == Mailbox(name: "Jürgen Müller", address: "jm@example.de"))
        #expect(message.to.map(\.address) == ["support@shop.example", "sales@shop.example"])
        #expect(message.cc.map(\.address) == ["a@example.org", "b@example.org", "c@example.org"])
        #expect(message.replyTo.first?.name == "Clément")
        #expect(message.subject == "Where is my order? folded €12 and\tmore")
        #expect(message.inReplyTo == ["a@b", "c@d"])
        #expect(message.references == ["r1@x", "r2@x", "r3@x"])
        #expect(message.messageID == "x.1@example.de")
        #expect(message.date == Date(timeIntervalSince1970: 1_793_692_800))
        #expect(message.text.ownWords.contains("Grüße, wo ist meine Bestellung?"))
        // GMime's message keeps the Content-* fields on its part, not in the message's list.
        #expect(message.headers.map(\.name) == [
            "From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "MIME-Version",
        ])
    }

    @Test func theBlockIsSplitIntoFieldsAndBody() throws {
        let text = Array("A: 1\r\nBb:two\r\n  three\r\n\r\nbody".utf8)
        let block = try #require(text.withUnsafeBufferPointer { HeaderBlock($0) })
        #expect(block.fields.map(\.name) == [0..<1, 6..<8])
        #expect(block.fields.map(\.value) == [2..<6, 9..<23])
        #expect(block.fields.map(\.whole) == [0..<6, 6..<23])
        #expect(block.blankLine == 23..<25)
        #expect(String(decoding: text[block.fields[1].value], as: UTF8.self) == "two\r\n  three\r\n")
    }

    /// Values read without GMime's decoder must be what it gives: printable ASCII with no `=?`,
    /// less its line breaks and the blanks at its ends. Checked against the decoder over values made of the
    /// bytes that matter (blanks, `=`, `?`, quotes, comments, brackets, letters), and with a value
    /// that the decoder changes, to show the check can fail.
    @Test func plainValuesAreWhatGMimeDecodes() {
        let options = MailParser.parserOptions()
        defer { g_mime_parser_options_free(options) }
        let alphabet = Array(" \t\r\n=?\"()<>@,;:aZ0_.".utf8)
        var random = SplitMix64(seed: 7)
        var plain = 0
        for length in 0..<(2_000) {
            // Raw values end with their line break (LF, CRLF, or none in these made-up ones).
            let raw = (0..<(length % 24)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
                + [[], [0x0A], [0x0D, 0x0A]][length % 3]
            let gmime = (raw + [0]).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { MailParser.decodedValue($0.baseAddress, options: options) }
            }
            let ours = raw.withUnsafeBufferPointer { HeaderBlock.plainValue($0[...]) }
            if let ours {
                plain += 1
                #expect(ours == gmime, "\(String(decoding: raw, as: UTF8.self).debugDescription)")
            } else {
                #expect(raw.contains(0x3F), "only =? sends these values to GMime")
            }
        }
        #expect(plain > 1_000)
        let encoded = Array(" =?utf-8?q?caf=C3=A9?= ".utf8)
        #expect(encoded.withUnsafeBufferPointer { HeaderBlock.plainValue($0[...]) } == nil)
    }

    /// Which bytes a name and a value may hold: a name only printable ASCII; a value anything
    /// but control bytes (the tab allowed, CR only before LF).
    @Test func controlBytesAndOddNameBytesAreNotSplit() {
        for byte in UInt8(0)...UInt8(255) where byte != 0x0A {
            var value = Array("X: a\u{0}b\n\nbody".utf8)
            value[value.firstIndex(of: 0)!] = byte
            let valueSplit = value.withUnsafeBufferPointer { HeaderBlock($0) != nil }
            #expect(valueSplit == (byte == 0x09 || (byte >= 0x20 && byte != 0x7F)), "byte \(byte) in a value")
            var name = Array("X\u{0}Y: ab\n\nbody".utf8)
            name[name.firstIndex(of: 0)!] = byte
            let nameSplit = name.withUnsafeBufferPointer { HeaderBlock($0) != nil }
            // A colon there ends the name: "X" with the value "Y: ab", still a plain field.
            #expect(nameSplit == (byte > 0x20 && byte < 0x7F), "byte \(byte) in a name")
        }
    }
}

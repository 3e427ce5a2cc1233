import Foundation
import TactTestSupport
import Testing

@testable import Drafting

/// Parses a message with Python's `email` package (an independent, standards-following parser)
/// and returns its headers (every instance) and decoded body.
func parseWithPython(_ message: Data) throws -> (headers: [String: [String]], body: String) {
    let script = """
        import email, email.policy, json, sys
        m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        headers = {}
        for k, v in m.items():
            headers.setdefault(k.lower(), []).append(str(v))
        print(json.dumps({"headers": headers, "body": m.get_content().replace("\\r\\n", "\\n"), "defects": [str(d) for d in m.defects]}))
        """
    let python = try Command.locate(["/usr/bin/python3"], package: "python3")
    let result = try Command.run(python, ["-c", script], input: message)
    guard result.status == 0, let data = result.stdout.data(using: .utf8),
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let headers = object["headers"] as? [String: [String]], let body = object["body"] as? String
    else { throw TestSupportError("python could not parse the reply: \(result.stderr)") }
    if let defects = object["defects"] as? [String], !defects.isEmpty {
        throw TestSupportError("python found defects: \(defects)")
    }
    return (headers, body)
}

@Suite struct ReplyComposerTests {
    let shop = try! MailAddress(name: "Marta from Shop", address: "support@shop.example")
    let date = Date(timeIntervalSince1970: 1_795_424_400)

    func incoming(name: String? = "Jane Doe", replyTo: [MailAddress] = []) -> IncomingAddressing {
        IncomingAddressing(
            from: try! MailAddress(name: name, address: "jane@example.org"), replyTo: replyTo,
            returnPath: "bounces+123@mailer.example.org", messageID: "<m1@example.org>", references: ["<m0@example.org>"])
    }

    @Test func theReplyParsesBackWithEveryHeaderRight() throws {
        let message = ReplyComposer.compose(
            from: shop, to: try ReplyComposer.recipient(for: incoming()), subject: "Re: Where is my order?",
            body: "Hi Jane,\n\nThank you for your message.\n\nMarta\n", incoming: incoming(),
            messageID: "<tact.1@shop.example>", date: date)
        let (headers, body) = try parseWithPython(message)
        #expect(headers["from"] == ["Marta from Shop <support@shop.example>"])
        #expect(headers["to"] == ["Jane Doe <jane@example.org>"])
        #expect(headers["subject"] == ["Re: Where is my order?"])
        #expect(headers["in-reply-to"] == ["<m1@example.org>"])
        #expect(headers["references"] == ["<m0@example.org> <m1@example.org>"])
        #expect(headers["message-id"] == ["<tact.1@shop.example>"])
        #expect(headers["auto-submitted"] == ["auto-replied"])
        #expect(headers["x-auto-response-suppress"] == ["All"])
        #expect(headers["date"] == ["Mon, 23 Nov 2026 09:00:00 +0000"])
        #expect(body == "Hi Jane,\n\nThank you for your message.\n\nMarta\n")
        #expect(!String(decoding: message, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    /// A 7-bit body gets CRLF for every LF (and CR, and CRLF), a last line feed when it has none,
    /// and nothing else changes: empty lines at both ends and inside are kept.
    @Test func aSevenBitBodyIsWrittenWithCRLF() throws {
        for (body, written) in [
            ("a\nb", "a\r\nb\r\n"), ("\n\nx\n", "\r\n\r\nx\r\n"), ("", "\r\n"), ("one line", "one line\r\n"),
            ("\n", "\r\n"), ("a\r\nb\rc\n\n", "a\r\nb\r\nc\r\n\r\n"),
        ] {
            let message = ReplyComposer.compose(
                from: shop, to: try ReplyComposer.recipient(for: incoming()), subject: "Re: x", body: body,
                incoming: incoming(), messageID: "<tact.1@shop.example>", date: date)
            let raw = String(decoding: message, as: UTF8.self)
            #expect(raw.contains("Content-Transfer-Encoding: 7bit"))
            #expect(raw.hasSuffix("\r\n\r\n" + written), "\(body.debugDescription)")
        }
    }

    @Test func nonASCIINamesSubjectsAndBodiesAreEncodedAndRoundTrip() throws {
        let to = try MailAddress(name: "Amélie Laurent-Ødegård", address: "amelie@example.fr")
        let subject = "Re: Où est ma commande ? 注文はどこですか — " + String(repeating: "très long ", count: 12)
        let body = "Bonjour Amélie,\n\n" + String(repeating: "é", count: 300) + "\nMerci — Marta\n"
        let message = ReplyComposer.compose(
            from: shop, to: to, subject: subject, body: body, incoming: incoming(), messageID: "<tact.2@shop.example>", date: date)
        let raw = String(decoding: message, as: UTF8.self)
        #expect(raw.unicodeScalars.allSatisfy { $0.isASCII })
        let headerBlock = raw.components(separatedBy: "\r\n\r\n")[0]
        // RFC 2047 §2: a line holding encoded words is at most 76 characters.
        #expect(headerBlock.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        let (headers, parsedBody) = try parseWithPython(message)
        #expect(headers["to"] == ["Amélie Laurent-Ødegård <amelie@example.fr>"])
        #expect(headers["subject"] == [subject.trimmingCharacters(in: .whitespaces)])
        #expect(parsedBody == body)
    }

    @Test func lineBreaksInANameOrSubjectNeverMakeAHeader() throws {
        let attacks = [
            "Eve\r\nBcc: victim@example.com", "Eve\nBcc: victim@example.com", "Eve\rBcc: victim@example.com",
            "Eve\u{2028}Bcc: victim@example.com", "Eve\u{85}Bcc: victim@example.com",
        ]
        for attack in attacks {
            let to = try MailAddress(name: attack, address: "eve@example.org")
            let message = ReplyComposer.compose(
                from: shop, to: to, subject: "Re: hi\r\nX-Evil: 1\nBcc: victim@example.com", body: "Hello\n",
                incoming: incoming(), messageID: "<tact.3@shop.example>", date: date)
            let (headers, _) = try parseWithPython(message)
            #expect(headers["bcc"] == nil, "header injected through \(attack.debugDescription)")
            #expect(headers["x-evil"] == nil)
            #expect(headers["to"]?.count == 1)
        }
    }

    @Test func addressesThatCouldAddRecipientsAreRefused() {
        for bad in ["jane@example.org>, evil@example.com", "jane@example.org\r\nBcc: x@y.z", "jane example@org.com",
                    "<jane@example.org>", "jane@", "@example.org", "jane@localhost", "jane@example..org", ""]
            // Each special, control and DEL alone inside an otherwise good address.
            + "<>()[]\\,;:\" \t\r\n\u{7F}\u{01}".unicodeScalars.map { "ja\($0)ne@example.org" }
        {
            #expect(throws: ReplyError.self, "\(bad.debugDescription) must be refused") { try MailAddress(name: nil, address: bad) }
        }
    }

    @Test func replyToWinsOverFrom() throws {
        let helpdesk = try MailAddress(name: "Jane at Work", address: "jane.doe@work.example")
        #expect(try ReplyComposer.recipient(for: incoming(replyTo: [helpdesk])) == helpdesk)
        #expect(try ReplyComposer.recipient(for: incoming()).address == "jane@example.org")
    }

    @Test func malformedMessageIDsAreLeftOutRatherThanCopied() throws {
        var addressing = incoming()
        addressing.messageID = "<m1@example.org>\r\nBcc: x@y.z"
        addressing.references = ["garbage", "<ok@example.org>"]
        let message = ReplyComposer.compose(
            from: shop, to: try ReplyComposer.recipient(for: addressing), subject: "Re: x", body: "Hello\n",
            incoming: addressing, messageID: "<tact.4@shop.example>", date: date)
        let (headers, _) = try parseWithPython(message)
        #expect(headers["in-reply-to"] == nil)
        #expect(headers["bcc"] == nil)
    }

    @Test func newMessageIDsAreUniqueAndInOurDomain() {
        let first = ReplyComposer.newMessageID(domainOf: "support@shop.example")
        let second = ReplyComposer.newMessageID(domainOf: "support@shop.example")
        #expect(first != second)
        #expect(first.hasSuffix("@shop.example>") && first.hasPrefix("<"))
        // `<tact.` and 128 random bits in the UUID's lower-case 8-4-4-4-12 form.
        for id in [first, second] {
            #expect(id.wholeMatch(of: /<tact\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@shop\.example>/) != nil, "\(id)")
        }
        // Every hex digit appears somewhere over many ids (no nibble stuck at one value).
        let digits = Set((0..<64).flatMap { _ in ReplyComposer.newMessageID(domainOf: "a@b.example").dropFirst(6).prefix(36) })
        #expect(digits == Set("0123456789abcdef-"))
    }
}

/// Names and subjects go out as they are only when they are ASCII and hold no "=?" (a reader
/// would take it for the start of an encoded word); that check reads bytes.
@Suite struct PlainHeaderTextTests {
    @Test func plainASCIIIsWhatScalarsAndFoundationSay() {
        let pieces = ["=", "?", "=?", "?=", "a", "Order ", "é", "\u{301}", "\r\n", "\"", "\\", " ", "日", "=\u{301}?"]
        var random = SplitMix64(seed: 0x2047)
        for _ in 0..<20_000 {
            let text = random.concatenation(of: pieces, count: 0...6)
            #expect(ReplyComposer.isPlainASCII(text) == (text.unicodeScalars.allSatisfy(\.isASCII) && !text.contains("=?")),
                "\(text.debugDescription)")
        }
    }

    @Test func anAddressIsPlainAsTheCharacterWaySays() {
        // Mostly good pieces, so that plenty of addresses pass, and every kind of bad one.
        let local = ["jane", "jane", "j.doe", "j.doe", "+tag", "-", "x", "é", " ", "<", "\"", "..", "@", "\\", "(", ""]
        let domain = ["example", "example.", ".org", ".org", "shop-", "x1", "x1.", "é", ".\u{301}", "..", ".", " ", "\u{7F}",
            "@", ":", "[", ",", "\t"]
        var random = SplitMix64(seed: 0xADD5)
        var plain = 0
        for _ in 0..<40_000 {
            let address = random.concatenation(of: local, count: 0...2) + "@" + random.concatenation(of: domain, count: 1...3)
            let fast = MailAddress.isPlainAddress(address)
            #expect(fast == MailAddress.isPlainAddressComparingCharacters(address), "\(address.debugDescription)")
            if fast { plain += 1 }
        }
        #expect(plain > 400, "\(plain)")
        let long = String(repeating: "a", count: 245) + "@example.org"
        #expect(MailAddress.isPlainAddress(long) == MailAddress.isPlainAddressComparingCharacters(long))
        #expect(!MailAddress.isPlainAddress(long))
    }

    @Test func aSubjectOrNameWithAnEncodedWordMarkerIsEncoded() throws {
        #expect(ReplyComposer.encodeText("Order 12 =?x") != "Order 12 =?x")
        #expect(ReplyComposer.encodeText("Order 12 = ?x") == "Order 12 = ?x")
        let address = try MailAddress(name: "Jane =?Doe", address: "jane@example.org")
        #expect(!ReplyComposer.encodeAddress(address).hasPrefix("\"Jane =?Doe\""))
        #expect(ReplyComposer.encodeAddress(try MailAddress(name: "Jane Doe", address: "jane@example.org"))
            == "\"Jane Doe\" <jane@example.org>")
    }
}

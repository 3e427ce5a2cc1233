import Foundation
import MailParsing
import Testing

@Suite struct MailParserTests {
    @Test func decodesQuotedPrintableLatin1BodyNameAndSubject() throws {
        let message = try Fixture.parse("plain-qp-latin1")
        #expect(message.from == Mailbox(name: "José María López", address: "jose@example.es"))
        #expect(message.subject == "Pedido número 4471 no llegó")
        #expect(message.body.contains("Mi pedido número 4471 todavía no ha llegado. ¿Pueden ayudarme?"))
        #expect(message.bodySource == .plain)
        #expect(message.messageID == "qp-latin1@example.es")
        #expect(message.returnPath == "jose@example.es")
        #expect(message.to == [Mailbox(name: "Support", address: "support@shop.example")])
        #expect(message.date == Date(timeIntervalSince1970: 1_717_485_300))
    }

    @Test func decodesBase64Windows1252Body() throws {
        let message = try Fixture.parse("base64-windows1252")
        #expect(message.body.contains("The invoice says “€49” but I was charged €59 – why?"))
        #expect(message.body.contains("Zoë"))
    }

    @Test func decodesISO2022JPBodyNameAndSubject() throws {
        let message = try Fixture.parse("iso2022jp")
        #expect(message.from?.name == "山田太郎")
        #expect(message.subject == "注文について")
        #expect(message.body.contains("注文が届きません。"))
    }

    @Test func decodesMalformedEncodedWordsAndRawEightBitHeaders() throws {
        let message = try Fixture.parse("malformed-2047")
        // An encoded word inside a quoted string, and two words with no space between them.
        #expect(message.from?.name == "Renée Dupont")
        #expect(message.subject == "Problème de livraison")
        // Undeclared 8-bit latin-1 in a header falls back to windows-1252.
        #expect(message.headerValue("X-Raw-Latin1") == "café")
    }

    @Test func convertsHTMLOnlyMailToTextKeepingParagraphsAndBreaks() throws {
        let message = try Fixture.parse("html-only")
        #expect(message.bodySource == .html)
        #expect(message.body == """
            Hello,

            My blender stopped working after two days.
            It smells of smoke.

            - Model: BX-200
            - Order: 88812

            Café & co
            """)
    }

    @Test func prefersPlainTextAndListsNestedAttachments() throws {
        let message = try Fixture.parse("nested-attachments")
        #expect(message.bodySource == .plain)
        let body = message.body.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(body == "The box arrived crushed. Photos attached.")
        #expect(message.attachments.map(\.name) == ["box.jpg", "reçu.pdf"])
        #expect(message.attachments.map(\.mimeType) == ["image/jpeg", "application/pdf"])
        // Decoded sizes: 51 bytes of JPEG header, 23 bytes of PDF, not the base64 lengths.
        #expect(message.attachments.map(\.size) == [51, 23])
        #expect(message.mimeTypes.prefix(2) == ["multipart/mixed", "multipart/alternative"])
    }

    @Test func readsThreadingHeaders() throws {
        let message = try Fixture.parse("reply-on-wrote")
        #expect(message.inReplyTo == ["ack-1@shop.example"])
        #expect(message.references == ["orig-1@example.com", "ack-1@shop.example"])
    }

    @Test func listsAnAttachedMessageWithoutReadingItsBodyAsTheCustomers() throws {
        let message = try Fixture.parse("forwarded-attached")
        #expect(message.attachments.count == 1)
        #expect(message.attachments.first?.mimeType == "message/rfc822")
        #expect(message.attachments.first?.name == "Your receipt")
        #expect(!message.body.contains("Total: 59 EUR"))
    }

    @Test func readsTheDeliveryStatusAndTheReturnedMessageID() throws {
        let message = try Fixture.parse("bounce-dsn")
        #expect(message.returnPath == "")
        #expect(message.mimeTypes.contains("message/delivery-status"))
        let report = try #require(message.deliveryReport)
        #expect(report.statusFields.contains("Final-Recipient: rfc822; gone@example.com"))
        #expect(report.originalMessageID == "ack-42@shop.example")
    }

    @Test func keepsEveryInstanceOfARepeatedHeader() throws {
        let data = Fixture.message("""
            From: a@example.com
            Auto-Submitted: no
            Auto-Submitted: auto-replied
            Subject: x

            body
            """)
        let message = try MailParser().parse(data)
        #expect(message.headerValues("auto-submitted") == ["no", "auto-replied"])
    }

    @Test func flattensGroupAddressesAndDecodesReplyTo() throws {
        let data = Fixture.message("""
            From: =?UTF-8?B?w4lsaXNl?= <elise@example.fr>
            Reply-To: Team: a@example.com, B <b@example.com>;
            Cc: c@example.com
            Subject: x

            body
            """)
        let message = try MailParser().parse(data)
        #expect(message.from?.name == "Élise")
        #expect(message.replyTo.map(\.address) == ["a@example.com", "b@example.com"])
        #expect(message.cc.map(\.address) == ["c@example.com"])
    }

    @Test func emptyInputIsATypedError() {
        #expect(throws: MailParseError.empty) { try MailParser().parse(Data()) }
    }

    @Test func inputWithoutHeadersIsATypedError() {
        #expect(throws: MailParseError.noHeaders) { try MailParser().parse(Data("just some words\n".utf8)) }
    }
}

@Suite struct CharsetLabelTests {
    @Test func latin1LabelIsReadAsWindows1252LikeBrowsersDo() throws {
        let message = try Fixture.parse("mislabelled-latin1-windows1252")
        #expect(message.body.contains("he said “hello” – café € 5"))
        #expect(!message.body.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
    }

    @Test func undeclaredEightBitLatin1IsNotReplacementCharacters() throws {
        let message = try Fixture.parse("undeclared-charset-latin1")
        #expect(message.body.contains("undeclared café latin1"))
        #expect(!message.body.contains("\u{FFFD}"))
    }

    @Test func usASCIILabelOverUTF8BytesIsReadAsUTF8() throws {
        #expect(try Fixture.parse("us-ascii-label-utf8-body").body.contains("Não recebi a encomenda."))
    }

    @Test func moreMalformedEncodedWordsAreDecoded() throws {
        let message = try Fixture.parse("mislabelled-latin1-windows1252")
        // "utf8" without the dash, raw 8-bit latin-1 beside an encoded word, a space inside an
        // encoded word, and an encoded word glued to plain text.
        #expect(message.from?.name == "Jürgen Müller")
        #expect(message.subject.hasPrefix("hello world and "))
        #expect(message.subject.hasSuffix("xày €"))
    }
}

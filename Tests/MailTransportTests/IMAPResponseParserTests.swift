import Testing

@testable import MailTransport

@Suite struct IMAPResponseParserTests {
    private func parseAll(_ chunks: [String]) throws -> [IMAPResponse] {
        var parser = IMAPResponseParser()
        var out: [IMAPResponse] = []
        for chunk in chunks {
            parser.append(Array(chunk.utf8))
            while let response = try parser.next() { out.append(response) }
        }
        return out
    }

    @Test func taggedCompletionCarriesItsResponseCode() throws {
        let responses = try self.parseAll(["tact3 OK [APPENDUID 1700 42] Append completed.\r\n"])
        #expect(
            responses == [
                .tagged(
                    tag: "tact3", condition: .ok, code: IMAPResponseCode(name: "APPENDUID", arguments: ["1700", "42"]),
                    text: "Append completed.")
            ])
    }

    @Test func untaggedStatusCountsAndContinuationsAreRecognised() throws {
        let responses = try self.parseAll([
            "* OK [UIDVALIDITY 99] UIDs valid\r\n* 17 EXISTS\r\n+ idling\r\n* SEARCH 4 9\r\n",
        ])
        #expect(responses.count == 4)
        #expect(responses[0] == .condition(.ok, code: IMAPResponseCode(name: "UIDVALIDITY", arguments: ["99"]), text: "UIDs valid"))
        #expect(responses[1] == .message(number: 17, keyword: "EXISTS", values: []))
        #expect(responses[2] == .continuation("idling"))
        #expect(responses[3] == .data(keyword: "SEARCH", values: [.atom("4"), .atom("9")]))
    }

    @Test func literalSplitAcrossChunksIsDeliveredWhole() throws {
        let body = "Subject: hi\r\n\r\nline one\r\n{5}\r\n"
        let wire = "* 3 FETCH (UID 12 FLAGS (\\Seen $Tact) BODY[] {\(body.utf8.count)}\r\n\(body))\r\n"
        let bytes = Array(wire.utf8)
        // Feed it one byte at a time: the worst case for an incremental parser.
        var parser = IMAPResponseParser()
        var out: [IMAPResponse] = []
        for byte in bytes {
            parser.append([byte])
            while let response = try parser.next() { out.append(response) }
        }
        #expect(out.count == 1)
        let items = try #require(FetchItems(out[0]))
        #expect(items.uid == 12)
        #expect(items.flags == ["\\Seen", "$Tact"])
        #expect(items.body == Array(body.utf8))
        #expect(parser.isIdle)
    }

    @Test func quotedStringsAndNilAreParsed() throws {
        let responses = try self.parseAll(["* LIST (\\HasNoChildren) \"/\" \"a \\\"b\\\"\"\r\n* X NIL\r\n"])
        #expect(responses[0] == .data(keyword: "LIST", values: [.list([.atom("\\HasNoChildren")]), .string(Array("/".utf8)), .string(Array("a \"b\"".utf8))]))
        #expect(responses[1] == .data(keyword: "X", values: [.nil_]))
    }

    @Test func incompleteInputYieldsNothingYet() throws {
        var parser = IMAPResponseParser()
        parser.append(Array("* 1 FETCH (BODY[] {10}\r\n12345".utf8))
        #expect(try parser.next() == nil)
        parser.append(Array("67890)\r\n".utf8))
        #expect(FetchItems(try #require(try parser.next()))?.body == Array("1234567890".utf8))
    }

    @Test func oversizeLiteralIsRefusedBeforeItIsBuffered() {
        var parser = IMAPResponseParser(maxLineLength: 1000, maxLiteralSize: 100)
        parser.append(Array("* 1 FETCH (BODY[] {1000000}\r\n".utf8))
        #expect(throws: IMAPParseError.self) { try parser.next() }
    }

    @Test func endlessLineIsRefused() {
        var parser = IMAPResponseParser(maxLineLength: 100, maxLiteralSize: 100)
        parser.append([UInt8](repeating: UInt8(ascii: "a"), count: 500))
        #expect(throws: IMAPParseError.self) { try parser.next() }
    }

    @Test func unclosedListIsAnErrorNotACrash() {
        var parser = IMAPResponseParser()
        parser.append(Array("* 1 FETCH (UID 3\r\n".utf8))
        #expect(throws: IMAPParseError.self) { try parser.next() }
    }
}

@Suite struct IMAPSyntaxTests {
    @Test func mailboxNamesAreQuotedAndNonASCIIIsModifiedUTF7() throws {
        #expect(try IMAPSyntax.mailbox("INBOX") == "\"INBOX\"")
        #expect(try IMAPSyntax.mailbox("a \"b\"\\c") == "\"a \\\"b\\\"\\\\c\"")
        // RFC 3501's own example.
        #expect(IMAPSyntax.modifiedUTF7("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-")
        #expect(IMAPSyntax.modifiedUTF7("Entwürfe & Co") == "Entw&APw-rfe &- Co")
    }

    @Test func lineBreaksInCallerStringsNeverReachTheWire() {
        #expect(throws: TransportError.self) { try IMAPSyntax.mailbox("INBOX\r\ntact9 DELETE INBOX") }
        #expect(throws: TransportError.self) { try IMAPSyntax.flagList(["\\Seen)\r\nx LOGOUT"]) }
        #expect(throws: TransportError.self) { try IMAPSyntax.flagList(["two words"]) }
    }

    @Test func uidSetsCompressRuns() {
        #expect(IMAPSyntax.uidSet([1, 2, 3, 5, 7, 8]) == "1:3,5,7:8")
        #expect(IMAPSyntax.uidSet([UInt32]()) == "")
    }
}

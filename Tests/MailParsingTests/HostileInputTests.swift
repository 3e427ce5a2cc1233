import Foundation
@_spi(Testing) import MailParsing
import TactTestSupport
import Testing

/// Mail from outside is hostile: every input gives a value or a typed error, in bounded time,
/// and never crashes the process.
@Suite struct HostileInputTests {
    /// Parses `data` and returns the outcome with how long it took.
    private func outcome(
        _ data: Data, limits: ParseLimits = .default
    ) -> (Result<InboundMessage, MailParseError>, Duration) {
        let clock = ContinuousClock()
        var result: Result<InboundMessage, MailParseError>!
        let elapsed = clock.measure {
            do throws(MailParseError) {
                result = .success(try MailParser(limits: limits).parse(data))
            } catch {
                result = .failure(error)
            }
        }
        return (result, elapsed)
    }

    private static func nestedMultipart(depth: Int) -> Data {
        var lines = ["From: a@example.com", "Subject: deep", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b0\"", ""]
        for level in 0..<depth {
            lines += ["--b\(level)", "Content-Type: multipart/mixed; boundary=\"b\(level + 1)\"", ""]
        }
        lines += ["--b\(depth)", "Content-Type: text/plain", "", "deepest words", "--b\(depth)--"]
        for level in stride(from: depth - 1, through: 0, by: -1) { lines.append("--b\(level)--") }
        return Data(lines.joined(separator: "\r\n").utf8)
    }

    @Test func aThousandNestedMultipartsGiveATruncatedValueQuickly() throws {
        let (result, elapsed) = self.outcome(Self.nestedMultipart(depth: 1_000))
        let message = try result.get()
        #expect(message.isTruncated)
        #expect(message.subject == "deep")
        #expect(message.mimeTypes.count == ParseLimits.default.maxDepth)
        #expect(elapsed < .seconds(5))
    }

    @Test func aThousandNestedAttachedMessagesGiveAValueQuickly() throws {
        var text = "From: a@example.com\r\nSubject: inner\r\n\r\ninner words\r\n"
        for _ in 0..<1_000 {
            text = "From: a@example.com\r\nSubject: level\r\nContent-Type: message/rfc822\r\n\r\n" + text
        }
        let (result, elapsed) = self.outcome(Data(text.utf8))
        let message = try result.get()
        #expect(message.subject == "level")
        #expect(message.attachments.count == 1)
        #expect(elapsed < .seconds(5))
    }

    @Test func moreDeclaredPartsThanTheLimitIsATypedError() {
        let (result, _) = self.outcome(Self.nestedMultipart(depth: 3_000))
        #expect(throws: MailParseError.tooManyParts(count: 3_002, limit: 2_000)) { try result.get() }
        // Blanks before the colon do not hide a header from the count.
        let spaced = Data(String(repeating: "Content-Type : text/plain\r\n", count: 10).utf8)
        let small = ParseLimits(maxBytes: 1_000, maxDepth: 4, maxParts: 5, maxTextCharacters: 100)
        #expect(throws: MailParseError.tooManyParts(count: 10, limit: 5)) {
            try self.outcome(spaced, limits: small).0.get()
        }
    }

    @Test func theTextLimitCountsCharactersNotBytes() throws {
        let limits = ParseLimits(maxBytes: 100_000, maxDepth: 4, maxParts: 5, maxTextCharacters: 100)
        func parsed(_ body: String) throws -> InboundMessage {
            let mail = "From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n"
            return try MailParser(limits: limits).parse(Data(mail.utf8))
        }
        // 90 Characters in 180 bytes: within the limit.
        let accented = try parsed(String(repeating: "é", count: 90))
        #expect(!accented.isTruncated)
        #expect(accented.body.hasPrefix(String(repeating: "é", count: 90)))
        // 100 bytes or fewer is never over, and more Characters than the limit always is.
        let ascii = try parsed(String(repeating: "a", count: 99))
        #expect(!ascii.isTruncated)
        let long = try parsed(String(repeating: "a", count: 150))
        #expect(long.isTruncated)
        #expect(long.body.count == 100)
        // 120 Characters of e + a combining accent: 360 bytes, cut after 100 Characters.
        let combined = try parsed(String(repeating: "e\u{301}", count: 120))
        #expect(combined.isTruncated)
        #expect(combined.body.count == 100)
        #expect(combined.body.unicodeScalars.count == 200)
    }

    /// A flat multipart of `count` tiny parts; with `typed` each part has its own Content-Type.
    private static func flatMultipart(parts count: Int, typed: Bool) -> Data {
        var text = "From: a@example.com\r\nSubject: bomb\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n"
        text.reserveCapacity(count * 40)
        for index in 0..<count {
            text += typed ? "--p\r\nContent-Type: text/plain\r\n\r\nw\(index)\r\n" : "--p\r\n\r\nw\(index)\r\n"
        }
        text += "--p--\r\n"
        return Data(text.utf8)
    }

    @Test func aHundredThousandTinyPartsAreRefusedQuickly() {
        let (result, elapsed) = self.outcome(Self.flatMultipart(parts: 100_000, typed: true))
        #expect(throws: MailParseError.tooManyParts(count: 100_001, limit: 2_000)) { try result.get() }
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    @Test func aHundredThousandTinyPartsWithoutContentTypeHeadersAreRefusedQuickly() {
        // Parts without a Content-Type header are text/plain by default (RFC 2045 §5.2): a count of
        // Content-Type lines alone does not see them, and GMime would build 100,000 objects.
        let (result, elapsed) = self.outcome(Self.flatMultipart(parts: 100_000, typed: false))
        #expect(throws: MailParseError.tooManyParts(count: 100_000, limit: 2_000)) { try result.get() }
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    @Test func delimiterLikeLinesThatMatchNoDeclaredBoundaryAreNotParts() throws {
        // A pasted log full of "--" lines is ordinary text, not a bomb.
        let body = (0..<3_000).map { "-- step \($0)\r\n--\r\n" }.joined()
        let data = Data("From: a@example.com\r\nSubject: log\r\n\r\n\(body)".utf8)
        let message = try self.outcome(data).0.get()
        #expect(message.subject == "log")
        // Under the limit, a multipart with parts lacking Content-Type is read whole.
        let small = try self.outcome(Self.flatMultipart(parts: 1_500, typed: false)).0.get()
        #expect(!small.isTruncated)
        #expect(small.mimeTypes.count == 1_501)
    }

    /// A header block of 100,000 fields (and one of a single 4 MB folded field): both the header
    /// split and GMime's message object read it in bounded time, to the same message.
    @Test func hugeHeaderBlocksParseInBoundedTimeTheSameBothWays() throws {
        var many = "From: Jane Doe <jane@example.com>\r\nSubject: many fields\r\n"
        many.reserveCapacity(1_600_000)
        for index in 0..<100_000 { many += "X-Field-\(index % 10): value \(index)\r\n" }
        var long = "From: Jane Doe <jane@example.com>\r\nSubject:"
        long += String(repeating: " =?utf-8?q?caf=C3=A9?= word\r\n", count: 120_000)
        for text in [many, long] {
            let data = Data((text + "\r\nHello, where is my order?\r\n").utf8)
            let (result, elapsed) = self.outcome(data)
            let message = try result.get()
            #expect(message.text.ownWords == "Hello, where is my order?")
            #expect(elapsed < .seconds(10))
            var whole = MailParser()
            whole.splitsHeaders = false
            #expect(try whole.parse(data) == message)
        }
    }

    @Test func fiftyMegabytesAreCutAtTheSizeLimitInBoundedTime() throws {
        var data = Data("From: Jane Doe <jane@example.com>\r\nSubject: big\r\nMIME-Version: 1.0\r\n".utf8)
        data += Data("Content-Type: multipart/mixed; boundary=\"z\"\r\n\r\n".utf8)
        data += Data("--z\r\nContent-Type: text/plain\r\n\r\n".utf8)
        data += Data("Please see the attached log.\r\n--z\r\nContent-Type: application/octet-stream\r\n".utf8)
        data += Data("Content-Disposition: attachment; filename=\"log.bin\"\r\n".utf8)
        data += Data("Content-Transfer-Encoding: base64\r\n\r\n".utf8)
        let line = Data((String(repeating: "QUJD", count: 19) + "\r\n").utf8)
        data.reserveCapacity(50 * 1024 * 1024 + line.count)
        while data.count < 50 * 1024 * 1024 { data += line }
        let (result, elapsed) = self.outcome(data)
        let message = try result.get()
        #expect(message.isTruncated)
        #expect(message.text.ownWords == "Please see the attached log.")
        let attachment = try #require(message.attachments.first)
        // Only what fits under the 25 MB cap is decoded: 3 bytes for every 4 base64 characters,
        // 76 of every 78 bytes on a line (about 19.2 MB).
        #expect(attachment.size > 18_500_000 && attachment.size < 19_500_000)
        #expect(elapsed < .seconds(20))
    }

    @Test func longBodiesAreCutAtTheTextLimit() throws {
        let body = String(repeating: "word ", count: 10_000)
        let limits = ParseLimits(maxBytes: 1_000_000, maxDepth: 8, maxParts: 10, maxTextCharacters: 1_000)
        let message = try self.outcome(Data("From: a@example.com\r\n\r\n\(body)".utf8), limits: limits).0.get()
        #expect(message.body.count == 1_000)
        #expect(message.isTruncated)
    }

    @Test func everyTruncationOfEveryFixtureGivesAValueOrATypedError() throws {
        let names = ["nested-attachments", "bounce-dsn", "html-only", "iso2022jp", "reply-on-wrote", "malformed-2047"]
        var values = 0
        for name in names {
            let data = try Fixture.data(name)
            for length in stride(from: 0, through: data.count, by: 7) {
                if case .success = self.outcome(data.prefix(length)).0 { values += 1 }
            }
        }
        // Most cuts still hold a header block; the outcome of each is a value or a typed error.
        #expect(values > 100)
    }

    private static let mailPrefix = Array(
        "From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n".utf8)

    @Test func randomBinaryInputGivesAValueOrATypedError() {
        var generator = SplitMix64(seed: 0x7AC7)
        var errors = 0
        for round in 0..<200 {
            let count = Int(generator.next() % 8_192)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Half the inputs start like mail, so GMime's MIME code sees binary content too.
            if round.isMultiple(of: 2) { bytes = Self.mailPrefix + bytes }
            if case .failure = self.outcome(Data(bytes)).0 { errors += 1 }
        }
        #expect(errors >= 1)
    }

    @Test func deeplyNestedHTMLStillGivesText() throws {
        let html = String(repeating: "<div>", count: 20_000) + "still here" + String(repeating: "</div>", count: 20_000)
        #expect(HTMLText.render(html).contains("still here"))
        let table = String(repeating: "<table><tr><td>", count: 5_000) + "cell"
        _ = HTMLText.render(table)
        #expect(HTMLText.render("<p>a</p>\u{0}<p>b") .contains("a"))
    }

    @Test func bodiesMadeOfMarkerLikeLinesSplitInLinearTime() throws {
        let clock = ContinuousClock()
        let blank = clock.measure { _ = MessageText(splitting: String(repeating: "\n", count: 200_000)) }
        let headers = clock.measure { _ = MessageText(splitting: String(repeating: "From: x\nTo: y\n", count: 20_000)) }
        let quotes = clock.measure { _ = MessageText(splitting: String(repeating: "> quoted\n", count: 100_000)) }
        #expect(blank < .seconds(2))
        #expect(headers < .seconds(3))
        #expect(quotes < .seconds(2))
    }

    @Test func deeplyNestedBlockquotesStayLinear() {
        let html = String(repeating: "<p>a</p><blockquote>", count: 3_000) + "bottom"
        let clock = ContinuousClock()
        var text = ""
        let elapsed = clock.measure { text = HTMLText.render(html) }
        #expect(elapsed < .seconds(2))
        #expect(text.contains("> > > > > > > > a"))
        #expect(text.contains("bottom"))
    }

    @Test func parsesFromManyThreadsAtOnce() async throws {
        let data = try Fixture.data("nested-attachments")
        let subjects = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask { (try? MailParser().parse(data).subject) ?? "failed" }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(subjects == Array(repeating: "Photos of the damage", count: 64))
    }
}


import Foundation
import Testing

@testable import MailTransport

@Suite struct InternalDateTests {
    @Test func readsTheRFC3501FormWithItsZone() throws {
        let date = try #require(IMAPSyntax.internalDate("17-Jul-1996 02:44:25 -0700"))
        #expect(date.timeIntervalSince1970 == 837_596_665)
        // Space-padded day, as Dovecot writes it for days 1 to 9.
        let padded = try #require(IMAPSyntax.internalDate(" 2-Dec-2026 06:41:11 +0000"))
        #expect(padded.timeIntervalSince1970 == 1_796_193_671)
    }

    @Test func refusesAnythingElse() {
        for text in ["", "yesterday", "32-Jul-1996 02:44:25 -0700", "17-Foo-1996 02:44:25 -0700", "17-Jul-1996 25:00:00 +0000",
                     "17-Jul-1996 02:44:25", "17-Jul-1996 02:44:25 0700"] {
            #expect(IMAPSyntax.internalDate(text) == nil, "\(text)")
        }
    }

    @Test func fetchItemsCarryTheInternalDate() throws {
        var parser = IMAPResponseParser()
        parser.append(Array("* 1 FETCH (UID 7 INTERNALDATE \"01-Jan-2026 00:00:00 +0100\" BODY[] {2}\r\nhi)\r\n".utf8))
        let response = try #require(try parser.next())
        let items = try #require(FetchItems(response))
        #expect(items.uid == 7)
        #expect(items.internalDate?.timeIntervalSince1970 == 1_767_222_000)
        #expect(items.body == Array("hi".utf8))
    }
}

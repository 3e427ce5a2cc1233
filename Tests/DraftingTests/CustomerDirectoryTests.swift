import Foundation
import Testing

@testable import Drafting

@Suite struct CustomerDirectoryTests {
    @Test func theShippedExampleLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/customers.csv").path
        let directory = try CustomerDirectory(path: path)
        #expect(directory.count == 3)
        #expect(directory.record(for: "Jane.Doe@Example.org") == CustomerRecord(
            name: "Jane Doe", since: LocalDate(year: 2019, month: 3, day: 14), tier: "gold"))
    }

    @Test func quotedFieldsMayHoldCommasQuotesAndLineBreaks() throws {
        let directory = try CustomerDirectory(csv: """
            tier,email,name
            gold,"a@example.org","Doe, ""JD"" Jane"
            silver,b@example.org,"Line one
            line two"
            ,c@example.org,
            """)
        #expect(directory.record(for: "a@example.org")?.name == "Doe, \"JD\" Jane")
        #expect(directory.record(for: "b@example.org")?.name == "Line one\nline two")
        #expect(directory.record(for: "c@example.org") == CustomerRecord())
        #expect(directory.record(for: "nobody@example.org") == nil)
    }

    @Test func errorsNameTheLineAndTheFix() {
        func error(_ csv: String) -> CustomerDirectoryError? {
            do { _ = try CustomerDirectory(csv: csv, path: "c.csv"); return nil } catch { return error }
        }
        #expect(error("name,tier\nJane,gold\n")?.message.contains("no \"email\" column") == true)
        #expect(error("email,customer_since\na@example.org,2019-03-14\nb@example.org,14/03/2019\n")?.line == 3)
        #expect(error("email,name\n\"a@example.org,Jane\n")?.message.contains("never closed") == true)
        #expect(error("email,name\nnot-an-address,Jane\n")?.line == 2)
        #expect(error("")?.message.contains("empty") == true)
        #expect(throws: CustomerDirectoryError.self) { try CustomerDirectory(path: "/nonexistent/customers.csv") }
    }
}

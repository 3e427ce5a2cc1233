import Foundation
import TactTestSupport
import Testing

@testable import MailParsing

@Suite struct FirstNameTests {
    @Test(arguments: [
        ("Jane Doe", "jane.doe@example.com", "Jane"),
        ("Doe, Jane", "jdoe@example.com", "Jane"),
        ("Dr. Jane Doe", "jane@example.com", "Jane"),
        ("JANE DOE", "jd@example.com", "Jane"),
        ("jane doe", "jd@example.com", "Jane"),
        ("José María López", "jose@example.es", "José"),
        ("ÉLODIE MARTIN", "em@example.fr", "Élodie"),
        ("Jean-Pierre Dupont", "jp@example.fr", "Jean-Pierre"),
        ("JEAN-PIERRE DUPONT", "jp@example.fr", "Jean-Pierre"),
        ("\"Doe, Jane\"", "jane@example.com", "Jane"),
        ("Prof. Dr. Anna Schmidt", "anna@example.de", "Anna"),
        ("Mrs Zoë Smith", "zoe@example.co.uk", "Zoë"),
        ("Jane", "jane@example.com", "Jane"),
        ("Siobhán O'Neill (Acme)", "s@acme.example", "Siobhán"),
        ("Jane Doe via Zendesk", "support@zendesk.example", "Jane"),
        ("Jane Doe VIA Zendesk", "support@zendesk.example", "Jane"),
        ("Zoë Doe Via Zendesk", "support@zendesk.example", "Zoë"),
    ])
    func firstNameFromDisplayName(displayName: String, address: String, expected: String) {
        #expect(FirstName.fromDisplayName(displayName, address: address) == expected)
    }

    /// " via " is found on bytes in ASCII names: where Foundation's case-insensitive search finds it.
    @Test func viaIsFoundWhereFoundationFindsIt() {
        let names = [
            "Jane Doe via Zendesk", "Jane Doe VIA Zendesk", "Jane Doe Via Zendesk", "Jane Doe vIa Help Scout", " via x",
            "Vivian Voss", "Jane via", "Jane  via  x", "Jane viaduct", "Jane Doe\tvia x", "Zoë via Zendesk", "Zoë Vivian",
            "v", "", "ÉVA VIA X", "Jane Doe via Zendesk via Intercom",
        ]
        for name in names {
            let expected = name.range(of: " via ", options: .caseInsensitive)?.lowerBound
            #expect(FirstName.via(in: name) == expected, "\(name)")
        }
        #expect(FirstName.via(in: "Jane Doe via Zendesk").map { String("Jane Doe via Zendesk"[..<$0]) } == "Jane Doe")
    }

    @Test(arguments: [
        ("info", "info@example.com"),
        ("Support", "support@example.com"),
        ("Sales Team", "sales@example.com"),
        ("Admin", "admin@example.com"),
        ("noreply", "noreply@example.com"),
        ("The Corner Bakery", "hello@cornerbakery.example"),
        ("Acme", "orders@acme.com"),
        ("Acme GmbH", "kontakt@acme.de"),
        ("Customer Service", "cs@example.com"),
        ("jane.doe@example.com", "jane.doe@example.com"),
        ("jdoe", "jdoe@example.com"),
        ("JDOE", "jdoe@example.com"),
        ("J. Doe", "jd@example.com"),
        ("山田太郎", "taro@example.jp"),
        ("", "x@example.com"),
        ("12345", "x@example.com"),
        ("Doe, Jane, Smith", "x@example.com"),
        ("Blue Bottle Coffee", "hello@example.com"),
        ("Sunny Side Studio", "hello@sunnysidestudio.example"),
        ("Amazon.com", "shipment-tracking@amazon.com"),
    ])
    func noNameFromRoleCompanyOrAddress(displayName: String, address: String) {
        #expect(FirstName.fromDisplayName(displayName, address: address) == nil)
    }

    @Test(arguments: [
        ("Where is it?\n\nThanks,\nJane", "Jane"),
        ("Where is it?\n\nBest regards,\nJANE DOE\nExample Inc.", "Jane"),
        ("Where is it?\nThanks, Jane", "Jane"),
        ("Where is it?\n\n-- \nJane Doe\n+44 20 7946 0000", "Jane"),
        ("Where is it?\n\nMit freundlichen Grüßen\nJörg Müller", "Jörg"),
    ])
    func firstNameFromASignOffWhenTheDisplayNameHasNone(body: String, expected: String) throws {
        let mail = "From: cust1987@example.com\nSubject: order\n\n" + body
        let message = try MailParser().parse(Fixture.message(mail))
        #expect(message.firstName == expected)
    }

    @Test(arguments: [
        "Where is it?",
        "Where is it?\n\nThanks,\nThe Support Team",
        "Where is it?\n\nRegards,\nAcme Ltd",
        "Thanks,\nWhere is my order? I have been waiting for a long time.",
    ])
    func noNameWhenNeitherDisplayNameNorSignOffHasOne(body: String) throws {
        let mail = "From: cust1987@example.com\nSubject: order\n\n" + body
        #expect(try MailParser().parse(Fixture.message(mail)).firstName == nil)
    }

    @Test func theDisplayNameWinsOverTheSignOff() throws {
        let mail = "From: Jane Doe <jd@example.com>\nSubject: order\n\nWhere is it?\n\nThanks,\nJ."
        #expect(try MailParser().parse(Fixture.message(mail)).firstName == "Jane")
    }

    @Test(arguments: [
        ("Nguyen Van An", "Thanks,\nAn", "An"),  // family name first; she signs with her given name
        ("Kim Min-jun", "Best regards,\nMin-jun", "Min-jun"),
        ("Jane Doe", "Thanks,\nDoe", "Doe"),  // she signs so: it is a word of her own name
        ("Jane Doe", "Thanks,\nJane", "Jane"),
        ("Jane Doe", "Thanks,\nBob", "Jane"),  // a different name: perhaps a colleague; keep hers
        ("Nguyen Van An", "An", "An"),  // the name alone on the last line
        ("Jane Doe", "Bob", "Jane"),
    ])
    func aOneWordSignOffFromTheDisplayNameWins(display: String, signOff: String, expected: String) throws {
        let mail = "From: \(display) <x@example.com>\nSubject: order\n\nWhere is it?\n\n" + signOff
        #expect(try MailParser().parse(Fixture.message(mail)).firstName == expected)
    }

    @Test func fixtureSendersGetTheirFirstNames() throws {
        #expect(try Fixture.parse("plain-qp-latin1").firstName == "José")
        #expect(try Fixture.parse("reply-original-message").firstName == "John")
        #expect(try Fixture.parse("reply-outlook-block").firstName == "Anna")
        #expect(try Fixture.parse("reply-bottom-posted").firstName == "Jane")
        #expect(try Fixture.parse("iso2022jp").firstName == nil)
    }

    /// ASCII names and addresses go the bytewise way; it must answer as the Character way does.
    @Test func theBytewiseWayAnswersAsTheCharacterWay() {
        let tokens = [
            "Jane", "JANE", "jane", "Doe", "DOE", "O'Neil", "o'neil", "Jean-Pierre", "JEAN-PIERRE", "J.", "Anna-Lena",
            "Dr.", "Mr", "prof", "Mrs.", "Support", "team", "Info", "Coffee", "Blue", "Bottle", "Acme", "Inc.",
            "via", "VIA", "Zendesk", "(Acme)", "(Support)", ",", ", ", "\"", "'", "2", "R2D2", "\t", "  ", "-", "–",
            "jdoe", "bluebottle", "x", "Li", "An", "Van", "Nguyen", "mailer-daemon", "!", "?", ":", "@", "9", "Jane9",
        ]
        let addresses = [
            "jane@example.com", "jdoe@example.com", "JANE@EXAMPLE.COM", "hello@bluebottlecoffee.com",
            "info@acme.com", "jane.doe@janedoe.net", "@example.com", "jane@", "a@b@c", "", "jane",
            "x@acme.co.uk", "annalena@anna-lena.de", "li@nguyenvanli.vn", "jeanpierre@jean-pierre.fr",
        ]
        var random = SplitMix64(seed: 42)
        var named = 0
        let words = tokens + tokens.map { $0 + " " }
        for _ in 0..<20_000 {
            let display = random.concatenation(of: words, count: 1...5)
            let address = addresses[Int.random(in: 0..<addresses.count, using: &random)]
            let bytewise = FirstName.fromDisplayName(display, address: address, bytewise: true)
            let characterwise = FirstName.fromDisplayName(display, address: address, bytewise: false)
            #expect(bytewise == characterwise, "\(display) <\(address)>")
            if bytewise != nil { named += 1 }
        }
        // The generated names exercise both answers, not only nil.
        #expect(named > 2_000)
        // A name spelled out in the domain is a brand, both ways ("Blue" and "Bottle" are no
        // role words: only the domain decides here).
        for bytewise in [true, false] {
            #expect(FirstName.fromDisplayName("Blue Bottle", address: "hello@bluebottlecoffee.com", bytewise: bytewise) == nil)
            #expect(FirstName.fromDisplayName("Blue Bottle", address: "hello@example.com", bytewise: bytewise) == "Blue")
            #expect(FirstName.fromDisplayName("Jane Doe", address: "hello@bluebottlecoffee.com", bytewise: bytewise) == "Jane")
        }
    }

    /// The parts of an ASCII address read on bytes are those read on Characters.
    @Test func addressPartsBytewiseAreThoseOfTheCharacterWay() {
        let pieces = ["jane", "JDoe", "@", "@@", ".", "..", "Mail", "EXAMPLE", "co", "uk", "x-y", "9", "_", "", "a.b"]
        var random = SplitMix64(seed: 7)
        var addresses = ["", "@", "jane@", "@example.com", "a@b@c", "JDoe@Mail.Example.COM", "a@.b.c", "x..y@..z", "@@a@@b.c"]
        for _ in 0..<3_000 { addresses.append(random.concatenation(of: pieces, count: 1...6)) }
        for address in addresses {
            let bytewise = AddressParts(address, bytewise: true)
            let characterwise = AddressParts(address, bytewise: false)
            #expect(bytewise.local == characterwise.local, "\(address)")
            #expect(bytewise.domainLabel == characterwise.domainLabel, "\(address)")
            #expect(bytewise.domainLetters == characterwise.domainLetters, "\(address)")
        }
        let parts = AddressParts("JDoe@Mail.Example.COM", bytewise: true)
        #expect(parts.local == "jdoe" && parts.domainLabel == "mail" && parts.domainLetters == "mailexamplecom")
    }
}

/// The sign-off reads only the first two lines of a signature with something on them; they are
/// found line by line, and must be those splitting the whole signature into `Character`s gives.
@Suite struct SignOffLinesTests {
    static func reference(_ signature: String) -> [String] {
        Array(signature.split(separator: "\n").map { $0.trimmingScalars(ScalarClass.whitespace) }.filter { !$0.isEmpty }.prefix(2))
    }

    @Test func areTheFirstTwoOfEveryLine() {
        let pieces = [
            "Thanks,", "Best regards,", "Jane", "Jane Doe", "--", "-- ", " ", "\t", "\n", "\n\n", "\r\n", "\r", "é",
            "\u{301}", "\u{A0}", "\u{2028}", ":)", "~", "Sent from my phone",
        ]
        var random = SplitMix64(seed: 0x516)
        var twoLines = 0
        for _ in 0..<20_000 {
            let signature = random.concatenation(of: pieces, count: 0...10)
            let expected = Self.reference(signature)
            if expected.count == 2 { twoLines += 1 }
            #expect(FirstName.firstLines(of: signature) == expected, "\(signature.debugDescription)")
        }
        #expect(twoLines > 3_000)
    }
}

import Foundation
import TactTestSupport
@testable import MailParsing
import Testing

@Suite struct MessageTextTests {
    @Test func gmailAttributionWrappedOverTwoLinesAndDashDashSignatureAreSplitOff() throws {
        let text = try Fixture.parse("reply-on-wrote").text
        #expect(text.ownWords == "Thanks, but the parcel still has not arrived.")
        #expect(text.quoted.hasPrefix("On Sun, Jun 9, 2024 at 10:00 AM Shop Support <support@shop.example>\nwrote:"))
        #expect(text.quoted.contains("> Hello Jane, we are sorry to hear about the refund delay."))
        #expect(text.signature == "--\nJane Doe\nProduct Manager, Example Inc.")
    }

    @Test func originalMessageSeparatorStartsTheHistory() throws {
        let text = try Fixture.parse("reply-original-message").text
        #expect(text.ownWords == "I still need the refund for order 5555.")
        #expect(text.quoted.hasPrefix("-----Original Message-----"))
        #expect(text.quoted.contains("We have received your request."))
    }

    @Test func outlookFromSentBlockStartsTheHistoryAndTheSignOffIsTheSignature() throws {
        let text = try Fixture.parse("reply-outlook-block").text
        #expect(text.ownWords == "Can you tell me when it ships?")
        #expect(text.signature == "Best regards,\nAnna")
        #expect(text.quoted.hasPrefix("________________________________\nFrom: Shop Support"))
        #expect(text.quoted.hasSuffix("Thank you for your order."))
    }

    @Test func forwardedMailIsHistory() throws {
        let text = try Fixture.parse("forwarded").text
        #expect(text.ownWords == "This says it shipped a week ago, but nothing came.")
        #expect(text.quoted.contains("Your order has shipped."))
    }

    @Test func anAnswerBelowTheQuoteIsTheCustomersWords() throws {
        let text = try Fixture.parse("reply-bottom-posted").text
        #expect(text.ownWords == "Sure, it is SN-99812.")
        #expect(text.quoted == "On 10/06/2024 08:00, Support wrote:\n> Could you send the serial number?")
    }

    @Test func htmlBlockquotesAreQuotedHistory() throws {
        let html = """
            From: a@example.com
            Subject: Re: x
            Content-Type: text/html; charset=utf-8

            <div>It is still broken.</div><div class="gmail_quote"><div>On Mon, Jun 3, 2024 Support wrote:</div>
            <blockquote><p>Did restarting help?</p></blockquote></div>
            """
        let text = try MailParser().parse(Fixture.message(html)).text
        #expect(text.ownWords == "It is still broken.")
        #expect(text.quoted.contains("> Did restarting help?"))
    }

    @Test(arguments: [
        ("Am 03.06.2024 um 10:00 schrieb Support <support@shop.example>:", "de"),
        ("Le lun. 3 juin 2024 à 10:00, Support <support@shop.example> a écrit :", "fr"),
        ("El lun, 3 jun 2024 a las 10:00, Support (<support@shop.example>) escribió:", "es"),
    ])
    func attributionLinesInOtherLanguagesStartTheHistory(attribution: String, language: String) {
        let text = MessageText(splitting: "Noch nicht angekommen.\n\n\(attribution)\n> Wir haben es versandt.")
        #expect(text.ownWords == "Noch nicht angekommen.", "\(language)")
        #expect(text.quoted.hasPrefix(attribution), "\(language)")
    }

    /// Every form of history boundary, indented or not, starts the history; the same words inside
    /// prose do not (the boundary check lets most lines go by their first character).
    @Test(arguments: [
        "Begin forwarded message:\n\nFrom: Shop",
        "  -----Original Message-----\nFrom: Shop",
        "_____ Forwarded message _____\nFrom: Shop",
        "===== Original message =====\nhello",
        "*From:* Support <support@shop.example>\n*Sent:* Monday\n*To:* Anna\n*Subject:* Order",
        "De : Support <support@shop.example>\nEnvoyé : lundi\nÀ : Anna\nObjet : Commande",
        "Da: Support <support@shop.example>\nInviato: lunedì\nA: Anna\nOggetto: Ordine",
        "\tVan: Support <support@shop.example>\nVerzonden: maandag\nAan: Anna\nOnderwerp: Bestelling",
    ])
    func historyBoundariesStartTheHistory(boundary: String) {
        let text = MessageText(splitting: "It has not arrived: order 10:30 - sadly.\n\n\(boundary)\nOld text.")
        #expect(text.ownWords == "It has not arrived: order 10:30 - sadly.", "\(boundary.debugDescription)")
        #expect(text.quoted.contains("Old text."), "\(boundary.debugDescription)")
    }

    @Test func germanOutlookHeaderBlockStartsTheHistory() {
        let body = "Bitte um Rückmeldung.\n\nVon: Support <support@shop.example>\n"
            + "Gesendet: Montag, 3. Juni 2024 10:00\n"
            + "An: Anna <anna@example.de>\nBetreff: Lieferung\n\nDanke für Ihre Bestellung."
        let text = MessageText(splitting: body)
        #expect(text.ownWords == "Bitte um Rückmeldung.")
        #expect(text.quoted.hasPrefix("Von: Support"))
    }

    @Test func interleavedQuoteLinesAreHistoryAndAnswersStay() {
        let text = MessageText(splitting: "> Which colour?\nBlue, please.\n> Which size?\nLarge.")
        #expect(text.ownWords == "Blue, please.\nLarge.")
        #expect(text.quoted == "> Which colour?\n> Which size?")
    }

    @Test func mobileFooterAndClosingAboveItAreTheSignature() {
        let text = MessageText(splitting: "Please call me back.\n\nThanks,\nJane\n\nSent from my iPhone")
        #expect(text.ownWords == "Please call me back.")
        #expect(text.signature == "Thanks,\nJane\n\nSent from my iPhone")
    }

    /// Every mail app footer is found in any case and after spaces, whatever its first letter;
    /// prose starting with the same letters is not a footer.
    @Test func deviceFootersAreFoundInAnyCase() {
        for phrase in SignOff.deviceLines {
            for line in [phrase, phrase.uppercased(), "  " + phrase.capitalized + " 15 Pro", phrase + " Galaxy"] {
                #expect(SignOff.isDeviceLine(Substring(line)), "\(line)")
                let text = MessageText(splitting: "Where is my parcel?\n\n\(line)")
                #expect(text.ownWords == "Where is my parcel?", "\(line)")
            }
        }
        for line in ["Sent it yesterday.", "Get back to me", "Every day", "von Neumann", "Sure", "", "   "] {
            #expect(!SignOff.isDeviceLine(Substring(line)), "\(line)")
        }
    }

    @Test func aOneLineClosingWithANameIsTheSignature() {
        let text = MessageText(splitting: "Where is it?\nThanks, Jane")
        #expect(text.ownWords == "Where is it?")
        #expect(text.signature == "Thanks, Jane")
    }

    @Test func thanksThatIsTheMessageItselfStaysTheCustomersWords() {
        let text = MessageText(splitting: "Thank you so much for sorting this out so quickly, you are great!")
        #expect(text.ownWords == "Thank you so much for sorting this out so quickly, you are great!")
        #expect(text.signature.isEmpty)
        let reply = MessageText(splitting: "Got the parcel.\nThanks, I got it working now")
        #expect(reply.ownWords == "Got the parcel.\nThanks, I got it working now")
    }

    @Test func aClosingFarAboveALongTextIsNotASignature() {
        let body = "Thanks\n" + (1...8).map { "Line \($0) of a long explanation about the broken order." }
            .joined(separator: "\n")
        #expect(MessageText(splitting: body).signature.isEmpty)
    }
}

@Suite struct BareNameSignatureTests {
    @Test func aLastLineWithJustTheSendersNameIsTheSignature() throws {
        let text = try Fixture.parse("automatic-renewal-human").text
        #expect(text.ownWords == "Hi, my automatic renewal was charged twice this month. Please refund one.")
        #expect(text.signature == "Priya")
    }

    @Test func aLastLineThatMerelyContainsTheNameStaysTheCustomersWords() {
        let text = MessageText(splitting: "Hello,\nPriya wants a refund", senderName: "Priya Patel")
        #expect(text.ownWords == "Hello,\nPriya wants a refund")
        #expect(MessageText(splitting: "Priya", senderName: "Priya Patel").ownWords == "Priya")
    }

    /// The name matches in any case, in either order and in any script; lines much longer than
    /// the name are ruled out by their length before they are lower-cased.
    @Test func theNameMatchesInAnyCaseOrderAndScript() {
        let body = "My order never came.\n"
        for (line, name) in [
            ("ÉLODIE DURAND", "Élodie Durand"), ("durand élodie", "Élodie Durand"), ("– Élodie.", "Élodie Durand"),
            ("ЛЕНА", "Лена Петрова"), ("Al", "AL"),
        ] {
            let text = MessageText(splitting: body + line, senderName: name)
            #expect(text.signature == line, "\(line) for \(name)")
            #expect(text.ownWords == "My order never came.")
        }
        let long = "Élodie Durand " + String(repeating: "writes again about the parcel ", count: 4)
        #expect(MessageText(splitting: body + long, senderName: "Élodie Durand").signature.isEmpty)
    }
}

@Suite struct ClosingLineTests {
    /// Lines of one to four pieces, upper-cased half the time: the two answers for each must
    /// agree. Returns how many lines the reference found a closing in.
    static func agree(pieces: [String], seed: UInt64, _ answers: (Substring) -> (String?, String?)) -> Int {
        var random = SplitMix64(seed: seed)
        var found = 0
        for _ in 0..<30_000 {
            var line = random.concatenation(of: pieces, count: 1...4)
            if Bool.random(using: &random) { line = line.uppercased() }
            let (answer, reference) = answers(Substring(line))
            #expect(answer == reference, "\(line.debugDescription)")
            if reference != nil { found += 1 }
        }
        return found
    }

    /// ASCII lines are trimmed and lower-cased on bytes; the answer must be the Character way's.
    @Test func theByteWayAnswersAsTheCharacterWay() {
        let pieces = Array(SignOff.closings.filter { $0.utf8.allSatisfy { $0 < 0x80 } }) + [
            "Jane", "and", "THANKS", "Best Regards", " ", "  ", "\t", ",", ".", "!", "-", "\r", "\r\n", "\u{0B}",
            "\u{0C}", ":)", "Kind", "regards", "so much", "Thanks ,", "x",
        ]
        let found = Self.agree(pieces: pieces, seed: 11) { (SignOff.trimmedClosing($0), SignOff.trimmedClosingCharacters($0)) }
        #expect(found > 1_000)
        // Not ASCII: the Character way, with its dashes.
        #expect(SignOff.trimmedClosing("— Merci —") == "merci")
        #expect(SignOff.trimmedClosing(" \tKind regards,\t") == "kind regards")
        #expect(SignOff.trimmedClosing("Thanks\r") == nil)
    }

    /// `closing` rejects most lines by counting their bytes before trimming; it must answer as the
    /// trimming alone does, for closings dressed in every way and for lines that are not closings.
    @Test func theByteCountNeverRejectsAClosing() {
        let pieces = Array(SignOff.closings) + [
            "Jane", "I ordered a blue jacket last week", "and", "THANKS", "Best Regards", " ", "  ", "\t", ",", ".",
            "!", "-", "–", "—", "\r", "\u{0B}", "e\u{301}", "İ", "grüße", "\u{A0}", ":)", "Kind", "regards", "so much",
        ]
        let found = Self.agree(pieces: pieces, seed: 7) { text in
            (SignOff.closing(text), text.utf8.count <= 80 ? SignOff.trimmedClosing(text) : nil)
        }
        #expect(found > 1_000)
        // Every closing, at its longest and dressed up, is still found.
        for closing in SignOff.closings {
            // Upper case where it reads back the same ("GRÜSSE" does not: ß has no capital here).
            let shouted = closing.uppercased().lowercased() == closing ? closing.uppercased() : closing
            #expect(SignOff.closing(Substring("  \t— " + shouted + "!!, ")) == closing, "\(closing)")
        }
        #expect(SignOff.closing("I ordered a blue jacket last week") == nil)
    }

    @Test(arguments: [
        ("Thanks, Jane", "Jane"), ("Cheers - Jane Doe", "Jane Doe"), ("Best regards – Anna", "Anna"),
        ("Kind regards,Jean-Pierre", "Jean-Pierre"), ("Many thanks - O'Neil", "O'Neil"), ("Grüße, Jürgen", "Jürgen"),
        ("Thanks, I got it", nil), ("Thanks, jane", nil), ("Thanks,", nil), ("Jane, thanks", nil),
        ("Thanks, Jane Mary Doe", nil), ("Best regards — Anna", nil),  // an em dash does not separate
        ("I wrote to you last week, and again yesterday, Jane", nil),
    ] as [(String, String?)])
    func aClosingWithANameOnOneLine(line: String, name: String?) {
        #expect(SignOff.closingWithName(Substring(line)) == name)
    }

    @Test func theSeparatorIsLookedForInTheFirstBytesOnly() {
        // The text before the separator is at most 80 bytes (a closing's limit).
        #expect(SignOff.closingWithName(Substring(String(repeating: " ", count: 74) + "Thanks, Jane")) == "Jane")
        #expect(SignOff.closingWithName(Substring(String(repeating: " ", count: 75) + "Thanks, Jane")) == nil)
        // A slice of a longer line reads its own bytes.
        let line = "Intro text. Thanks, Jane and more"
        let slice = line[line.range(of: "Thanks")!.lowerBound..<line.range(of: " and")!.lowerBound]
        #expect(SignOff.closingWithName(slice) == "Jane")
    }
}

@Suite struct LineFeedLinesTests {
    /// The byte scan must give `split(separator: "\n", omittingEmptySubsequences: false)`'s lines,
    /// on whole texts and on slices that start and end inside one.
    @Test func givesTheLinesSplitGives() {
        let pieces = ["\n", "\n\n", "a", "Jane", " ", "é", "e\u{301}", "語", "\u{1F44D}\u{1F3FD}", "> quoted", "-- ", "\t"]
        var random = SplitMix64(seed: 5)
        for _ in 0..<3_000 {
            let text = random.concatenation(of: pieces, count: 0...14)
            #expect(text.lineFeedLines() == text.split(separator: "\n", omittingEmptySubsequences: false),
                "\(text.debugDescription)")
            let wrapped = "x\n" + text + "\ny"
            let slice = wrapped.dropFirst(2).dropLast(2)
            #expect(slice.lineFeedLines().map(String.init)
                == slice.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                "\(text.debugDescription)")
        }
        #expect("".lineFeedLines() == [""])
        #expect("a\n\nb\n".lineFeedLines() == ["a", "", "b", ""])
    }
}

@Suite struct SplitScanTests {
    /// `linesWithMarkers` (each marker byte found with memchr over the whole body) must mark the
    /// lines that `hasMarker` marks one by one, wherever the markers fall: first or last byte of
    /// a line, several in a line, on a line of their own, in the last line without a line feed.
    @Test func markersFoundInTheWholeBodyAreThoseOfEachLine() {
        let pieces = ["\n", "\n\n", "a", "Jane", " ", "é", "語", ">", ":", "-", "_", "=", "--", "> quoted", "x:", "\t", "On"]
        var random = SplitMix64(seed: 17)
        var marked = 0
        for _ in 0..<5_000 {
            let text = random.concatenation(of: pieces, count: 0...16)
            let lines = text.lineFeedLines()
            let expected = lines.map(QuoteMarkers.hasMarker)
            marked += expected.filter { $0 }.count
            #expect(QuoteMarkers.linesWithMarkers(text, lines) == expected, "\(text.debugDescription)")
        }
        #expect(marked > 5_000)
    }

    /// The byte check before an attribution is read skips spaces and tabs as the reading does:
    /// an indented attribution still starts the quoted history, and a line that only looks like
    /// one at a glance does not.
    @Test func indentedAttributionsStartTheHistory() {
        for indent in ["", " ", "\t", " \t ", "\t\t"] {
            let split = MessageText(splitting: "Where is it?\n\(indent)On Mon, 3 Jun 2024, Shop <s@shop.example> wrote:\n> old text\n")
            #expect(split.ownWords == "Where is it?", "\(indent.debugDescription)")
            #expect(split.quoted.hasSuffix("> old text"), "\(indent.debugDescription)")
        }
        let prose = MessageText(splitting: "Once more: the parcel is late.\nOnly one box came: the other is missing.")
        #expect(prose.ownWords == "Once more: the parcel is late.\nOnly one box came: the other is missing.")
    }

    /// Own words without any marker, closing or signature are the body tidied: trailing blanks
    /// cut, runs of blank lines made one, none at the ends. Checked against joining the lines as
    /// the split did before it copied runs of the body (`tidy`).
    @Test func ownWordsAreTheBodyTidied() {
        // "\n> q\n" puts quoted lines between the customer's (bottom-posting): those lines are
        // not theirs, and the lines around them are not next to each other in the text.
        let pieces = ["Hello", "world", "x", "é", "語", " ", "\t", "\n", "\n\n", " \n", "\t\n", "\n \n", "\r", "\n> q\n"]
        var random = SplitMix64(seed: 23)
        for _ in 0..<5_000 {
            let body = random.concatenation(of: pieces, count: 0...20)
            var kept: [Substring] = []
            for line in body.lineFeedLines() where !QuoteMarkers.isQuoteLine(line) {
                var line = line
                while let last = line.utf8.last, last == 0x20 || last == 0x09 {
                    line = line[..<line.utf8.index(before: line.utf8.endIndex)]
                }
                if line.isEmpty, kept.last?.isEmpty ?? true { continue }
                kept.append(line)
            }
            while kept.last?.isEmpty == true { kept.removeLast() }
            let split = MessageText(splitting: body)
            #expect(split.ownWords == kept.joined(separator: "\n"), "\(body.debugDescription)")
            #expect(split.signature.isEmpty, "\(body.debugDescription)")
        }
    }
}

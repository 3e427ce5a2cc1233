import Foundation
import Testing

@testable import Triage

/// A small hand-written training set: enough for the model to tell the categories apart, and
/// independent of the shipped corpus so these tests say what the code does, not what the
/// corpus happens to contain.
enum ClassifierFixture {
    static let samples: [LabeledText] = [
        (Category.refund, "Refund please", "I returned the shoes last week and want my money back."),
        (.refund, "Money back", "Please refund the jacket, it did not fit. I sent it back already."),
        (.refund, "Return", "How do I return the lamp for a full refund?"),
        (.orderStatus, "Where is my parcel", "My order has not arrived yet, where is it? The tracking shows nothing."),
        (.orderStatus, "Delivery", "When will my order be delivered? It was dispatched a week ago."),
        (.orderStatus, "Tracking", "The tracking link says my parcel is still in transit, when will it arrive?"),
        (.cancellation, "Cancel", "Please cancel my subscription from next month."),
        (.cancellation, "Cancel account", "I want to cancel my account and stop the membership."),
        (.cancellation, "Stop renewal", "Cancel my plan please, do not renew it."),
        (.praise, "Thank you", "Thank you so much, the service was wonderful and the staff were lovely."),
        (.praise, "Great job", "Just wanted to say the team did a fantastic job. Brilliant, thanks!"),
        (.praise, "Happy", "Lovely product, arrived quickly, very happy. Thank you!"),
        (.billing, "Invoice", "My invoice shows a charge twice for the same month, please correct the billing."),
        (.billing, "Card", "How do I change the card my payment is charged to? I need a VAT receipt too."),
        (.billing, "Charge", "I was charged more than the price on the invoice."),
        (.technical, "Error", "The app crashes with an error when I log in."),
        (.technical, "Login", "I cannot log in, the password reset link gives an error page."),
        (.technical, "Broken", "The website is not working, checkout shows error 500."),
        (.complaint, "Complaint", "Your staff were rude and the service was terrible. Very disappointed."),
        (.complaint, "Unacceptable", "The quality is poor and nobody answers the phone. Unacceptable."),
        (.complaint, "Angry", "I am angry about how I was treated in your shop, awful attitude."),
        (.question, "Question", "Do you sell gift cards? And are you open on Sundays?"),
        (.question, "Opening hours", "What are your opening hours, and do you have parking nearby?"),
        (.question, "Sizes", "Do you offer the boots in wide sizes? Is there a showroom I can visit?"),
    ].map { LabeledText(category: $0.0, subject: $0.1, text: $0.2) }

    static func model(rules: PhraseRules = PhraseRules()) throws -> ClassifierModel {
        try ClassifierModel.train(samples, rules: rules, smoothing: 1, minimumCount: 1)
    }

    static func classifier(options: ClassifierOptions = ClassifierOptions()) throws -> Classifier {
        try Classifier(model: model(), options: options)
    }
}

@Suite struct ClassifierTests {
    @Test func readsTheTopicFromWordsItWasTrainedOn() throws {
        let classifier = try ClassifierFixture.classifier()
        #expect(classifier.classify(subject: "", text: "Where is my parcel? Tracking has not moved.").category
            == .orderStatus)
        #expect(classifier.classify(subject: "", text: "Please cancel my subscription.").category == .cancellation)
        #expect(classifier.classify(subject: "Refund", text: "I want my money back.").category == .refund)
        #expect(classifier.classify(subject: "", text: "The app shows an error when I log in").category
            == .technical)
    }

    @Test func reportsRunnerUpEvidenceAndAConfidenceBetweenZeroAndOne() throws {
        let result = try ClassifierFixture.classifier().classify(
            subject: "Cancel", text: "Please cancel my subscription now.")
        #expect(result.category == .cancellation)
        #expect(result.runnerUp != nil && result.runnerUp != result.category)
        #expect(result.confidence > 0 && result.confidence <= 1)
        #expect(result.evidence.contains("cancel"))
        #expect(result.evidence.count == result.evidenceWeights.count)
        #expect(result.evidenceWeights == result.evidenceWeights.sorted(by: >))
        #expect(result.evidenceWeights.allSatisfy { $0 > 0 })
    }

    @Test func thanksWhileQuotingOurRefundReplyIsPraise() throws {
        // The parser hands over only the customer's own words; the quoted reply about the refund
        // is not part of `text`, so "thank you" decides.
        let ownWords = "Thank you so much, that was wonderful service!"
        let result = try ClassifierFixture.classifier().classify(subject: "Re: Your refund", text: ownWords)
        #expect(result.category == .praise)
    }

    @Test func forwardMarkersInTheSubjectAreIgnored() throws {
        let classifier = try ClassifierFixture.classifier()
        let plain = classifier.classify(subject: "Your refund", text: "Thank you, lovely service.")
        let forwarded = classifier.classify(subject: "Fwd: WG: Your refund", text: "Thank you, lovely service.")
        #expect(plain == forwarded)
    }

    @Test func aReplysSubjectIsOurTopicNotTheCustomers() throws {
        // "Re: Where is my parcel?" names what we wrote about; the customer now only thanks us.
        let classifier = try ClassifierFixture.classifier()
        let text = "It arrived, thank you, lovely service."
        let reply = classifier.classify(subject: "Re: Where is my parcel? Tracking", text: text)
        #expect(reply == classifier.classify(subject: "", text: text))
        #expect(reply.category == .praise)
        #expect(classifier.classify(subject: "Where is my parcel? Tracking", text: "").category == .orderStatus)
    }

    @Test func neverReturnsAutomatedForHumanMail() throws {
        let classifier = try ClassifierFixture.classifier()
        let texts = [
            "Automatic reply: I am out of office", "This is an automated message, do not reply", "",
            "auto-submitted mailer-daemon delivery status notification", "Hi!",
        ]
        for text in texts {
            let result = classifier.classify(subject: text, text: text)
            #expect(result.category != .automated)
            #expect(result.runnerUp != .automated)
        }
    }

    @Test func mailWithNoKnownWordsIsUncertainButKeepsABestGuess() throws {
        let result = try ClassifierFixture.classifier().classify(subject: "", text: "zzqx wibble frobnicate")
        #expect(result.uncertain)
        #expect(result.evidence.isEmpty)
        #expect(try ClassifierFixture.model().categories.contains(result.category))
        #expect(result.uncertainReasons.contains { $0.contains("threshold") })
    }

    @Test func thresholdDecidesUncertainty() throws {
        let text = "Please cancel my subscription, do not renew."
        let lenient = try ClassifierFixture.classifier(options: ClassifierOptions(uncertainBelow: 0))
        let strict = try ClassifierFixture.classifier(options: ClassifierOptions(uncertainBelow: 1.01))
        let a = lenient.classify(subject: "", text: text)
        let b = strict.classify(subject: "", text: text)
        #expect(!a.uncertain)
        #expect(b.uncertain)
        #expect(a.category == b.category)
    }

    @Test func mailInALanguageWithoutATemplateIsUncertain() throws {
        let german = "Hallo, ich habe meine Bestellung noch nicht bekommen. Bitte helfen Sie mir, danke."
        let englishOnly = try ClassifierFixture.classifier(options: ClassifierOptions(uncertainBelow: 0))
        let withGerman = try ClassifierFixture.classifier(
            options: ClassifierOptions(uncertainBelow: 0, templateLanguages: ["en", "de"]))
        #expect(englishOnly.classify(subject: "", text: german).uncertain)
        #expect(englishOnly.classify(subject: "", text: german).signals.language == "de")
        #expect(!withGerman.classify(subject: "", text: german).uncertain)
    }

    @Test func phraseRulesMoveTheScore() throws {
        let text = "I would like to speak about the widget."
        let plain = try ClassifierFixture.classifier().classify(subject: "", text: text)
        let target = try #require(try ClassifierFixture.model().categories.first { $0 != plain.category })
        let rules = PhraseRules(rules: [.init(category: target, weight: 20, phrase: "the widget")])
        let ruled = try Classifier(model: ClassifierFixture.model(), rules: rules).classify(subject: "", text: text)
        #expect(ruled.category == target)
        #expect(ruled.evidence.first == "the widget")
    }

    @Test func ruleNamingAnUnknownCategoryIsRefused() throws {
        let rules = PhraseRules(rules: [.init(category: Category("shipping"), weight: 1, phrase: "parcel")])
        #expect(throws: ClassifierError.self) { try Classifier(model: ClassifierFixture.model(), rules: rules) }
    }

    @Test func resultEncodesWithTheDocumentedKeys() throws {
        let result = try ClassifierFixture.classifier().classify(
            subject: "Order #12345", text: "Hope you're well! Where is my order 4471-22?")
        let data = try JSONEncoder().encode(result)
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in [
            "category", "confidence", "runner_up", "evidence", "sentiment", "urgency", "asks_how_are_you",
            "order_numbers", "language", "uncertain",
        ] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["category"] as? String == "order-status")
        #expect(object["order_numbers"] as? [String] == ["12345", "4471-22"])
        #expect(object["asks_how_are_you"] as? Bool == true)
        #expect(try JSONDecoder().decode(Classification.self, from: data) == result)
    }

    @Test func moodMarkersAreShownInWords() throws {
        let result = try ClassifierFixture.classifier().classify(
            subject: "", text: "Wonderful, brilliant, fantastic, lovely staff!")
        #expect(result.category == .praise)
        #expect(result.evidence.contains("(warm words)"))
        #expect(!result.evidence.contains { $0.hasPrefix("<") })
    }

    @Test func explanationNamesCategoryEvidenceAndSignals() throws {
        let result = try ClassifierFixture.classifier().classify(subject: "Cancel", text: "Please cancel my plan.")
        let text = result.explanation
        #expect(text.contains("category:   cancellation"))
        #expect(text.contains("\"cancel\""))
        #expect(text.contains("sentiment:"))
        #expect(text.contains("language:   en"))
        #expect(text.split(separator: "\n").count >= 6)
    }
}

@Suite struct ClassifierOddInputTests {
    @Test(arguments: [
        "", " ", "\u{0}\u{1}\u{FFFD}", "🙂🙂🙂!!!???", String(repeating: "A", count: 10_000),
        "Ünïcödé ÅÄÖ — “quotes” … ’", "#", "order", "ref:", "# # # order # no. :", "\r\n\r\n",
    ])
    func oddTextGivesAResultInRange(text: String) throws {
        let result = try ClassifierFixture.classifier().classify(subject: text, text: text)
        #expect(result.confidence >= 0 && result.confidence <= 1)
        #expect(result.category != .automated)
        #expect(result.evidence.count <= 5)
    }

    @Test func aMegabyteOfTextIsClassifiedQuickly() throws {
        let text = String(repeating: "Please refund my order 12345, the lamp arrived broken!! ", count: 18_000)
        let classifier = try ClassifierFixture.classifier()
        let start = Date()
        let result = classifier.classify(subject: "Refund", text: text)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(result.category == .refund)
        #expect(result.signals.orderNumbers == ["12345"])
    }

    /// The evidence is the strongest few phrases of all that speak for the winner: the same as
    /// the head of the full list (the cutoff is found without sorting every candidate).
    @Test func theEvidenceIsTheHeadOfTheFullList() throws {
        let subject = "Refund for a broken blender, order 48213"
        let text = """
            I returned the blender last week because it arrived broken and the lid was cracked. \
            I would like my refund to the card I paid with, please. The parcel was tracked and you \
            confirmed receipt on Monday, but the money has not come back and nobody answered my two \
            emails. Please refund me or tell me when the refund will be made, I am disappointed.
            """
        for count in [1, 2, 3, 5, 8] {
            let few = try Classifier.shipped(options: ClassifierOptions(evidenceCount: count)).classify(subject: subject, text: text)
            let all = try Classifier.shipped(options: ClassifierOptions(evidenceCount: 10_000)).classify(subject: subject, text: text)
            #expect(all.evidence.count > 8, "a long mail has many phrases: \(all.evidence)")
            #expect(few.evidence == Array(all.evidence.prefix(count)), "\(count): \(few.evidence) vs \(all.evidence)")
            #expect(few.evidenceWeights == Array(all.evidenceWeights.prefix(count)))
        }
    }
}

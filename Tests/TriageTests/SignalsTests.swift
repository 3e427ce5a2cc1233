import Testing

@testable import Triage

@Suite struct SignalsTests {
    private func signals(_ text: String, subject: String = "") -> Signals { Signals(subject: subject, text: text) }

    // MARK: sentiment

    @Test(arguments: [
        "This is unacceptable, your staff were rude and I am very disappointed.",
        "Terrible service. Worst shop ever.",
        "I am not happy with this at all.",
    ])
    func angryWordsAreNegative(text: String) {
        #expect(signals(text).sentiment == .negative)
    }

    @Test(arguments: [
        "Thank you so much, the team was wonderful!",
        "Brilliant service, really impressed.",
        "Just wanted to say I love the new app, great work.",
    ])
    func warmWordsArePositive(text: String) {
        #expect(signals(text).sentiment == .positive)
    }

    @Test(arguments: [
        "Could you tell me the opening hours on Saturday?",
        "Where is my order? Thanks",
        "Thanks in advance for updating my address.",
    ])
    func plainRequestsAreNeutral(text: String) {
        #expect(signals(text).sentiment == .neutral)
    }

    @Test func shoutingAndExclamationsTurnAPlainRequestNegative() {
        let calm = "where is my order, it should be here by now"
        #expect(signals(calm).sentiment == .neutral)
        #expect(signals("WHERE IS MY ORDER, IT SHOULD BE HERE BY NOW!!!").sentiment == .negative)
    }

    @Test func exclamationsStrengthenPraise() {
        #expect(signals("Thanks!!! Wonderful!!!").sentiment == .positive)
    }

    @Test func intensityCountsRunsOfExclamationsAndShoutedWords() {
        #expect(Signals.intensity(of: "Hello there.") == 0)
        #expect(Signals.intensity(of: "Help!") == 0)
        #expect(Signals.intensity(of: "Help!!! Now!!") == 2)
        #expect(Signals.intensity(of: "Please send the PDF ASAP") == 0)
        #expect(Signals.intensity(of: "THIS IS RIDICULOUS AND UNACCEPTABLE") == 1)
    }

    // MARK: urgency

    @Test(arguments: [
        "I need this fixed urgently.",
        "Please reply as soon as possible, my event is tomorrow.",
        "Refund me immediately or I will file a chargeback.",
        "FIX THIS NOW!!! NOTHING WORKS!!!",
    ])
    func urgentMailIsHigh(text: String) {
        #expect(signals(text).urgency == .high)
    }

    @Test func ordinaryMailIsNormal() {
        #expect(signals("Could you send me a copy of my invoice?").urgency == .normal)
    }

    @Test(arguments: ["No rush at all, whenever you get a chance.", "This is not urgent, just curious."])
    func noRushIsLow(text: String) {
        #expect(signals(text).urgency == .low)
    }

    // MARK: how are you

    @Test(arguments: [
        "Hi, how are you?", "Hope you're well.", "I hope you’re doing well!", "How's it going?",
        "I hope this email finds you well.", "Hope this finds you well", "Hope all is well with you.",
        "How are you doing today?", "hope u r ok? how r u", "Trust you are well.", "How have you been?",
    ])
    func recognisesAskingHowWeAre(text: String) {
        #expect(signals(text + " My order has not arrived.").asksHowAreYou)
    }

    @Test func aGreetingEndsAtItsQuestionMark() {
        #expect(signals("Hi, how are you? Going to need help with my order.").asksHowAreYou)
        #expect(!signals("Hi, how are you going to help with my order?").asksHowAreYou)
    }

    @Test(arguments: [
        "How are you going to fix this?", "My order has not arrived.", "How are you charging me twice?",
        "I hope this works well.", "How is your return policy?",
    ])
    func doesNotMistakeOtherQuestionsForAGreeting(text: String) {
        #expect(!signals(text).asksHowAreYou)
    }

    // MARK: order numbers

    @Test func findsOrderAndReferenceNumbers() {
        let text = "About order 4471-22 and #12345: see ref AB-9921 and invoice no. INV-2024/07."
        #expect(signals(text).orderNumbers == ["4471-22", "12345", "AB-9921", "INV-2024/07"])
    }

    @Test func findsNumbersInTheSubjectOnceEach() {
        let found = signals("Order #55120 still missing, order #55120!", subject: "Re: order number: 55120")
        #expect(found.orderNumbers == ["55120"])
        #expect(signals("my order number: 7781234.").orderNumbers == ["7781234"])
        #expect(signals("(ref:AB-1234) and order#99812").orderNumbers == ["AB-1234", "99812"])
    }

    @Test func ignoresNumbersThatAreNotReferences() {
        #expect(signals("I ordered 2 lamps for 45 pounds on 3 May, call 0207 946 0000.").orderNumbers.isEmpty)
        #expect(signals("We are #1 fans of your order of service").orderNumbers.isEmpty)
    }

    // MARK: language

    @Test(arguments: [
        ("Hello, my order has not arrived yet. Can you help?", "en"),
        ("Hallo, ich habe meine Bestellung noch nicht bekommen. Bitte helfen Sie mir.", "de"),
        ("Bonjour, je n'ai pas reçu ma commande. Merci de vérifier pour moi.", "fr"),
        ("Hola, mi pedido no ha llegado todavía. Gracias por su ayuda.", "es"),
        ("Ciao, il mio ordine non è arrivato. Grazie per l'aiuto.", "it"),
        ("Hallo, mijn bestelling is nog niet aangekomen. Bedankt voor uw hulp.", "nl"),
        ("Здравствуйте, мой заказ не пришёл.", "ru"),
        ("注文した商品がまだ届いていません。", "ja"),
        ("我的订单还没有到。", "zh"),
        ("Thanks!", "en"),
    ])
    func detectsTheLanguage(text: String, code: String) {
        #expect(signals(text).language == code)
    }

    @Test func signalsAreReadFromSubjectToo() {
        let found = Signals(subject: "URGENT: invoice INV-88120", text: "Please look at it.")
        #expect(found.urgency == .high)
        #expect(found.orderNumbers == ["INV-88120"])
    }
}

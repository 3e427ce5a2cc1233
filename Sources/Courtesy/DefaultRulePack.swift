// The default rule pack, embedded so `tact lint` works from any directory and on a server
// without config/courtesy.toml. It must equal config/courtesy.toml byte for byte
// (DefaultRulePackTests checks); after editing that file, paste it here between the delimiters.

extension RulePack {
    /// The text of the default rule pack (a copy of `config/courtesy.toml`).
    public static let defaultText: String = #"""
# Tact's default courtesy rule pack: every rule of shared/COURTESY-RULES.md, with its fixed id.
# Users' documentation of each rule: docs/COURTESY.md. Keys and kinds are described there too.
#
# A deployment changes this pack in its own file, layered over it, never by editing this one:
#   extends = "default"
#   [override.no-problem]
#   severity = "suggestion"          # or enabled = false, add_phrases = ["no dramas"], ...
#
# Phrases are words matched on word boundaries, case-insensitively, with ’ read as '; a
# position written a|b|c accepts any of the words. Punctuation between words is ignored,
# except that a phrase never runs across a sentence end (. ! ? ; :) or a blank line.
# Patterns are ICU regular expressions, written as 'literal strings' so backslashes stay.

[scopes]
# A draft's first line is its greeting when it opens with one of these.
greetings = [
    "hi", "hello", "hey", "dear", "good morning", "good afternoon", "good evening", "greetings",
    "to whom it may concern", "morning", "afternoon",
]
# The sign-off starts at the last line near the end that is one of these (optionally followed by
# a comma and a name).
closings = [
    "best regards", "kind regards", "warm regards", "warmest regards", "regards", "best wishes",
    "best", "all the best", "many thanks", "thanks", "thanks again", "thank you", "thank you again",
    "sincerely", "yours sincerely", "yours faithfully", "yours truly", "cheers", "take care",
    "with thanks", "warmly", "speak soon", "talk soon", "with best wishes", "kindest regards",
]

[[rule]]
id = "unfilled-placeholder"
kind = "placeholder"
severity = "error"
scopes = ["greeting", "body", "sign-off", "signature"]
case_sensitive = true
message = "A template placeholder survived rendering; the customer would see a half-finished reply."
principle = "deliver what you promise: never send a half-finished reply"
suggestion = "fill in the real value or remove the placeholder"
patterns = [
    '\{\{[^{}\n]*\}\}',
    '\{[a-z_]+\}',
    '\[[A-Za-z][A-Za-z _.-]{0,40}\](?!\()',
    '<[A-Za-z][A-Za-z _]{0,30}>',
]
markers = ["XXX", "TODO", "TBD", "FIXME"]
must_fire = [
    "Hi {{first_name}},\n\nThanks for writing in.",
    "Hi [NAME],\n\nThanks for writing in.",
    "Your refund will arrive on [DATE].",
    "Hi <first name>,\n\nThanks for your message.",
    "Your order number is XXX.",
    "TODO: add tracking link",
    "Hi {first_name}, thanks!",
    "Your agent is [Agent Name].",
]
must_not_fire = [
    "Thanks for writing in, Jane.",
    "The file is at <https://example.com/help> and my address is <priya@example.com>.",
    "I have added it to my to-do list: todo items are reviewed on Fridays.",
    "See section [1] of the guide.",
]

[[rule]]
id = "arguing"
kind = "existence"
severity = "error"
message = "This argues with the customer or tells them they are wrong; nobody wins that point. Empathise and work toward the solution instead."
principle = "never argue with a customer (seed 000 rule 2; seed 004)"
suggestion = "acknowledge their view, then explain what happened and what you will do"
phrases = [
    "you are wrong", "you're wrong", "you are mistaken", "you're mistaken", "you are incorrect", "you're incorrect",
    "that's not true", "that is not true", "that isn't true", "that's untrue", "that is untrue",
    "as i already explained", "as i've already explained", "as i have already explained",
    "as i already said", "as i've already said", "as i have already said", "as i explained",
    "as i said before", "as previously stated", "as previously explained", "as stated",
    "per my last email", "per my previous email", "as per my last email", "as per my previous email",
    "you misunderstood", "you have misunderstood", "you've misunderstood", "you misunderstand",
    "calm down", "there is no need to get upset", "there's no need to get upset",
]
exceptions = ["as stated in your", "as you stated"]
must_fire = [
    "As I already explained, the refund takes five days.",
    "You are wrong about the charge.",
    "Per my last email, the order has shipped.",
    "Please calm down and read the instructions.",
    "That’s not true: we sent it on Monday.",
    "You misunderstood our returns policy.",
]
must_not_fire = [
    "I understand why the charge looked wrong, and I have refunded it.",
    "As stated in your email, the parcel arrived damaged, so I have sent a replacement.",
    "I explained this badly last time, so here it is step by step.",
    "Nothing went wrong on your side.",
]

[[rule]]
id = "blame"
kind = "existence"
severity = "error"
message = "This blames the customer. The customer is right in their own mind; say what happened and what we will do, not what they did wrong."
principle = "the customer is right in their own mind (seed 004)"
suggestion = "describe the situation without 'you', e.g. 'the form arrived without the receipt'"
phrases = [
    "your fault", "your own fault", "your mistake", "your error", "user error",
    "you should have read|checked|contacted|told|called|asked|sent|included|followed|known|noticed|waited|looked|used|updated|ordered|entered|selected|clicked|kept|saved|attached|mentioned|provided|realised|realized|double",
    "you should've read|checked|contacted|told|called|asked|sent|included|followed|known|noticed|waited|looked|used|updated|ordered|entered|selected|clicked|kept|saved|attached|mentioned|provided|realised|realized|double",
    "you failed to", "you forgot to", "you neglected to",
    "you didn't include|attach|provide|read|follow|check|send|tell|mention",
    "you did not include|attach|provide|read|follow|check|send|tell|mention",
    "because you didn't", "because you did not",
]
exceptions = [
    "not your fault", "isn't your fault", "wasn't your fault", "no fault of your own", "not your mistake",
    "not your error", "not a user error", "never your fault",
]
must_fire = [
    "This happened because you didn't include the receipt.",
    "You should have read the instructions before installing.",
    "It is your fault that the order was cancelled.",
    "You failed to update the app.",
    "You should’ve contacted us within 30 days.",
]
must_not_fire = [
    "This is not your fault at all, and I have fixed it.",
    "You should have received a confirmation email a few minutes ago.",
    "You should have a new invoice in your inbox now.",
    "If you didn't get the email, I can send it again.",
]

[[rule]]
id = "no-problem"
kind = "substitution"
severity = "warning"
message = "\"No problem\" implies that serving them might have been a problem, or that they shouldn't have thanked you."
principle = "reply to thanks with \"you're welcome\" or \"my pleasure\" (seed 001 rule 5)"
replace = { "no problem" = "my pleasure", "no worries" = "you're welcome", "not a problem" = "my pleasure", "no prob" = "my pleasure", "no probs" = "my pleasure" }
exceptions = ["no problem with", "not a problem with", "no problem on", "no problem at our end", "no problem was"]
must_fire = [
    "No problem at all, glad it works now!",
    "No worries, I have sorted it.",
    "It's not a problem, happy to help.",
]
must_not_fire = [
    "My pleasure, glad it works now.",
    "There was no problem with your card; the bank simply delayed the payment.",
    "The problems you reported are now fixed.",
]

[[rule]]
id = "busy-excuse"
kind = "existence"
severity = "warning"
message = "This excuses the reply with our workload. It is never the customer's fault that we are busy, and they don't want to hear about our day."
principle = "never excuse poor service (seed 003); don't tell them about your busy day (seed 001 rule 7)"
suggestion = "apologise for the wait and say when they will have an answer"
phrases = [
    "we are very|extremely|really|so|incredibly busy", "we're very|extremely|really|so|incredibly busy",
    "we are busy", "we're busy", "we have been busy", "we've been busy",
    "we have been very|extremely|really|so busy", "we've been very|extremely|really|so busy",
    "busier than usual", "busier than normal", "high volume of", "high volumes of", "higher volume of",
    "higher than usual volume", "higher than normal volume", "heavy volume of", "unusually high volume",
    "short staffed", "understaffed", "under staffed", "swamped", "snowed under", "inundated",
    "due to high|heavy|increased|unprecedented demand", "due to the high|heavy|increased|unprecedented demand",
]
must_fire = [
    "Sorry for the delay, we are very busy at the moment.",
    "Due to a high volume of requests, replies are slow.",
    "We're short-staffed this week.",
    "The team is swamped, so it may take a while.",
    "Due to high demand, your order is delayed.",
]
must_not_fire = [
    "Sorry for the wait; you will have my answer by Thursday noon.",
    "I know you have a busy week, so I have kept this short.",
    "The volume control is on the left side.",
]

[[rule]]
id = "comparison"
kind = "existence"
severity = "warning"
message = "This compares the customer with other customers. Every customer should feel they are the only one we serve."
principle = "treat every customer as if they're the only one you have (seed 001 rule 7); uniqueness (seed 002)"
suggestion = "talk about their situation only"
phrases = [
    "other customers", "other clients", "other users", "other people have", "many customers", "many of our customers",
    "lots of customers", "a lot of customers", "most customers", "most of our customers", "several customers",
    "you're not the only one", "you are not the only one", "you aren't the only one",
    "we get this a lot", "we get this question a lot", "we hear this a lot", "we see this a lot",
    "everyone else", "everybody else", "like everyone", "common complaint", "common question",
]
must_fire = [
    "You're not the only one with this issue.",
    "Other customers have had the same problem.",
    "We get this a lot, so here is the answer.",
    "Everyone else received the update on time.",
]
must_not_fire = [
    "I have looked into your order in detail.",
    "Thank you for being a customer for six years.",
    "Your other order has shipped too.",
]

[[rule]]
id = "handoff"
kind = "existence"
severity = "warning"
message = "This sends the customer to someone else to do what we could do for them. Handle it yourself, or pass it on for them."
principle = "don't make customers go to a second employee (seed 001 rule 2)"
suggestion = "say that you have passed it on yourself, e.g. 'I have asked our billing team to…, and they will write to you by…'"
phrases = [
    "contact them directly", "reach out to them directly", "get in touch with them directly",
    "you'll need to contact", "you will need to contact", "you need to contact", "you'll have to contact",
    "you will have to contact", "you have to contact", "you'll need to call", "you will need to call",
    "you'll need to reach out", "you will need to reach out", "you'll need to get in touch", "you will need to get in touch",
    "not my department", "not our department", "not my job", "not my area", "not our responsibility",
    "not my responsibility", "call our other team", "contact our other team", "contact another department",
    "handled by another department", "handled by a different department", "a different department",
    "another department", "contact the manufacturer", "take it up with",
]
exceptions = ["need to contact us", "have to contact us", "need to call us", "need to reach out to us", "need to get in touch with us"]
must_fire = [
    "For refunds you'll need to contact our billing team.",
    "I'm afraid that's not my department.",
    "Please contact them directly about the delivery.",
    "This is handled by another department.",
]
must_not_fire = [
    "I have passed this to our billing team myself, and they will write to you by Friday.",
    "If anything else comes up, you will need to contact us only once: just reply to this email.",
]

[[rule]]
id = "condescending"
kind = "existence"
severity = "warning"
message = "This word can sound condescending, as if the answer were obvious and the customer should have known it."
principle = "explain clearly without condescending (seed 000 rule 3)"
suggestion = "leave the word out and give the steps plainly"
phrases = [
    "obviously", "clearly", "of course",
    "simply click|restart|reboot|log|login|sign|go|open|select|enter|type|follow|reset|update|reinstall|install|try|use|read|check|press|tap|download|refresh|clear|visit|delete|uninstall|change|switch|hit|scroll|copy|paste|add|remove|turn", "as you should know", "as you should be aware",
    "as you know", "as you are aware", "as you're aware", "it's easy", "it is easy", "it's simple", "it is simple",
    "it's very easy", "it is very easy", "it's really easy", "it's really simple", "all you have to do",
    "all you need to do is",
    "just click|restart|reboot|log|login|sign|go|open|select|enter|type|follow|reset|update|reinstall|install|try|use|read|check|press|tap|download|refresh|clear|visit|delete|uninstall|change|switch|hit|scroll|copy|paste|add|remove|turn",
]
exceptions = [
    "i just", "we just", "i'll just", "we'll just", "i will just", "we will just", "i'd just", "we'd just",
    "let me just", "i've just", "we've just", "i have just", "we have just", "they just", "it just",
    "more clearly", "explain clearly", "explain this clearly", "explain it clearly", "as clearly as",
    "clearly marked", "yes of course", "but of course", "i simply", "we simply", "you simply can't",
]
# "Of course," or "Of course!" opening a sentence answers a request gladly; that use is kept.
exception_patterns = ['(?:^|[.!?]\s+)of course\s*[,!]']
must_fire = [
    "Obviously the invoice is attached.",
    "Simply restart the router.",
    "Then simply click Save.",
    "Just click the blue button.",
    "As you should know, refunds take five days.",
    "You will of course need to log in first.",
    "It’s easy: open the app and tap Settings.",
]
must_not_fire = [
    "I just checked your order and it shipped this morning.",
    "Of course, I'd be glad to help.",
    "Yes, of course. I have changed the address.",
    "Let me just confirm the address with you.",
    "To explain this more clearly, here are the steps.",
    "Click the blue button to download the invoice.",
    "The app simply works offline too.",
]

[[rule]]
id = "shouting"
kind = ["capitals", "repetition"]
severity = "warning"
message = "Capitals or repeated exclamation marks read as shouting."
principle = "treat customers with common courtesy and respect (seed 000 rule 3)"
min_length = 2
characters = "!"
max_run = 1
# Known acronyms and codes are not shouting. Placeholder markers (TODO, XXX) and ASAP have their
# own rules, so they are not reported twice.
acronyms = [
    "API", "APIs", "VAT", "CSV", "PDF", "FAQ", "URL", "USB", "SMS", "GDPR", "IBAN", "BIC", "SWIFT", "SKU", "ID",
    "OK", "AM", "PM", "UTC", "GMT", "BST", "CET", "CEST", "EST", "EDT", "PST", "PDT", "HTML", "HTTP", "HTTPS",
    "IMAP", "SMTP", "POP", "DNS", "SSL", "TLS", "VPN", "IP", "PIN", "CVV", "CEO", "CTO", "CFO", "HR", "IT", "QA",
    "RMA", "ETA", "VIP", "UK", "US", "USA", "EU", "UAE", "NHS", "DHL", "UPS", "USPS", "TNT", "DPD", "GLS",
    "PO", "PS", "PPS", "NB", "RE", "FW", "FWD", "TV", "PC", "SIM", "SSD", "HDD", "RAM", "CPU", "GPU", "LED", "LCD",
    "JSON", "XML", "SDK", "SSO", "MFA", "OTP", "SLA", "KB", "MB", "GB", "TB", "GST", "HST", "EUR", "USD", "GBP",
    "CAD", "AUD", "CHF", "JPY", "NZD", "SEK", "NOK", "DKK", "INR", "UI", "UX", "AI", "CRM", "ERP", "ISP", "ATM",
    "BACS", "SEPA", "ACH", "DIY", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XL", "XXL", "XS", "ISBN", "EAN",
    "UPC", "IOS", "MAC", "NFC", "GPS", "WIFI", "LTE", "ASAP", "TODO", "XXX", "TBD", "FIXME", "CC", "BCC", "DM",
    "PT", "ET", "CT", "MT", "AEST", "IST", "NY", "LA", "DC", "AWS", "SQL", "ZIP", "PTO", "NDA", "QR", "EV",
    "DVD", "CD", "HD", "UHD", "TBC", "POS", "VAT-ID", "MOT", "RSVP", "FYI",
]
must_fire = [
    "Your order has NOT shipped yet.",
    "Please read this email CAREFULLY.",
    "Thanks for waiting!!",
    "We are sorry!!!",
]
must_not_fire = [
    "The API now exports a CSV with VAT included.",
    "Your order ORD-4821 ships today via DHL.",
    "I am so glad it works!",
    "I checked the USB cable and the PDF manual.",
]

[[rule]]
id = "generic-greeting"
kind = "existence"
severity = "warning"
scopes = ["greeting"]
message = "A generic greeting tells the customer they are a number to us."
principle = "they are not a number (seed 002); know your customers (seed 000 rule 4)"
suggestion = "greet them by name, e.g. 'Hi Jane,'"
phrases = [
    "dear customer", "dear sir madam", "dear sir or madam", "dear madam or sir", "dear sirs", "to whom it may concern",
    "dear valued customer", "dear client", "dear valued client", "dear user", "dear member", "dear account holder",
    "dear shopper", "hello customer", "hi customer",
]
must_fire = [
    "Dear Customer,\n\nThank you for your message.",
    "Dear Sir/Madam,\n\nThank you for your message.",
    "To whom it may concern,\n\nThank you for your message.",
    "Dear valued customer,\n\nThank you for your message.",
]
must_not_fire = [
    "Dear Jane,\n\nThank you for your message.",
    "Hi Sam,\n\nOur customer team has looked into it.",
]

[[rule]]
id = "use-first-name"
kind = "context"
severity = "warning"
scopes = ["greeting"]
when = { first_name_known = true }
message = "We know the customer's first name, but the greeting does not use it."
principle = "use their first name (seed 000 rules 1 and 4)"
suggestion = "Hi {first_name},"
phrases = ["{first_name}"]
example_context = { first_name = "Jane" }
must_fire = [
    "Hello,\n\nThanks for your message.",
    "Hi there,\n\nThanks for your message.",
    "Dear Customer,\n\nThanks for your message.",
]
must_not_fire = [
    "Hi Jane,\n\nThanks for your message.",
    "Dear Jane Smith,\n\nThanks for your message.",
    "Good morning Jane!\n\nThanks for your message.",
]

[[rule]]
id = "thank-customer"
kind = "required"
severity = "warning"
scopes = ["body", "greeting", "sign-off"]
message = "The draft never thanks the customer. Let them know they are valued and appreciated; don't assume they know it."
principle = "let customers know they are valued (seed 000 rule 1)"
suggestion = "thank them for something specific, e.g. 'Thank you for letting us know about the broken hinge.'"
phrases = [
    "thank", "thanks", "thank you", "thankful", "grateful", "gratitude", "appreciate", "appreciated",
    "appreciation", "thx", "cheers for",
]
must_fire = [
    "Hi Jane,\n\nYour refund has been issued.\n\nBest regards,\nPriya",
]
must_not_fire = [
    "Hi Jane,\n\nThank you for letting us know. Your refund has been issued.\n\nBest regards,\nPriya",
    "Hi Jane,\n\nYour refund has been issued.\n\nThanks,\nPriya",
    "Hi Jane,\n\nI really appreciate your patience. Your refund has been issued.\n\nPriya",
]

[[rule]]
id = "transactional-thanks"
kind = "existence"
severity = "suggestion"
message = "A stock thank-you treats the customer as a transaction."
principle = "don't simply say \"thank you for your business\" (seed 000 rule 1); not just a transaction (seed 003)"
suggestion = "thank them personally, e.g. 'Thank you for being with us since 2019, Jane.'"
phrases = [
    "thank you for your business", "thanks for your business", "thank you for your custom",
    "thanks for your custom", "valued customer", "valued client",
    "your call is important to us", "your email is important to us", "your business is important to us",
    "your message is important to us", "your inquiry is important to us", "your enquiry is important to us",
    "we value your business", "we appreciate your business",
]
# The greeting "Dear valued customer" is reported once, by generic-greeting.
exceptions = ["dear valued customer", "dear valued client"]
must_fire = [
    "Thank you for your business.",
    "Your email is important to us.",
    "As a valued customer, you get free shipping.",
]
must_not_fire = [
    "Thank you for being with us since 2019, Jane.",
    "Dear valued customer,\n\nThanks for the photos.",
]

[[rule]]
id = "empathy-missing"
kind = "context"
severity = "warning"
scopes = ["body", "greeting", "sign-off"]
when = { category = ["complaint"], sentiment = ["negative", "very-negative", "angry", "frustrated"] }
message = "The customer is unhappy and the draft has no apology or empathy. Empathise and apologise before working on the solution."
principle = "empathize, apologize (seed 000 rule 2; seed 004)"
suggestion = "acknowledge how they feel, e.g. 'I'm sorry the parcel arrived damaged; I can see how frustrating that is.'"
phrases = [
    "sorry", "apologise", "apologize", "apologies", "apology", "apologised", "apologized", "regret",
    "i understand", "i can understand", "i completely understand", "i fully understand", "understandably",
    "i can see why", "i can see how", "i can imagine", "i can only imagine", "frustrating", "frustration",
    "disappointing", "disappointed", "upsetting", "inconvenience", "must have been", "that's not the experience",
    "not the experience", "i hear you", "you're right to", "you are right to",
]
example_context = { category = "complaint" }
must_fire = [
    "Hi Jane,\n\nThanks for writing. A replacement ships today.\n\nBest,\nPriya",
]
must_not_fire = [
    "Hi Jane,\n\nI'm so sorry the parcel arrived damaged. A replacement ships today.\n\nBest,\nPriya",
    "Hi Jane,\n\nI can imagine how frustrating that was. A replacement ships today.\n\nBest,\nPriya",
]

[[rule]]
id = "reciprocate-greeting"
kind = "context"
severity = "warning"
scopes = ["body", "greeting", "sign-off"]
when = { asked_how_are_you = true }
message = "The customer asked how we are; the draft neither answers nor asks back, leaving the exchange in mid-stroke."
principle = "don't leave the \"how are you\" ping-pong in mid-stroke (seed 001 rule 4)"
suggestion = "answer and ask back, e.g. 'I'm well, thank you for asking, and I hope you are too.'"
phrases = [
    "how are you", "how are things", "how have you been", "how're you", "how is your day", "how's your day",
    "hope you are well", "hope you're well", "hope you are doing well", "hope you're doing well",
    "hope you are keeping well", "hope you're keeping well", "hope you've been well", "hope you have been well",
    "hope you are having a good|great|lovely", "hope you're having a good|great|lovely", "hope you are too",
    "hope you're too", "hope all is well", "hope this finds you well", "hope this email finds you well",
    "i'm well", "i am well", "i'm doing well", "i am doing well", "i'm very well", "i am very well", "i'm good",
    "i am good", "i'm fine", "i am fine", "i'm great", "i am great", "doing well thank|thanks", "all good here",
    "thanks for asking", "thank you for asking", "very well thank|thanks", "and yourself",
    "how about you",
]
example_context = { asked_how_are_you = true }
must_fire = [
    "Hi Jane,\n\nThanks for your message. Your order shipped today.\n\nBest,\nPriya",
]
must_not_fire = [
    "Hi Jane,\n\nI'm well, thank you for asking, and I hope you are too! Your order shipped today.\n\nBest,\nPriya",
    "Hi Jane,\n\nI hope you're doing well. Your order shipped today.\n\nBest,\nPriya",
]

[[rule]]
id = "vague-promise"
kind = "existence"
severity = "warning"
scopes = ["greeting", "body"]
message = "This promise has no concrete time, or promises more than anyone can keep. Say exactly what will happen and when, then follow through."
principle = "deliver what you promise; convey that you followed through (seed 002; 003; 004 tip 7)"
suggestion = "give a concrete time, e.g. 'by Thursday 5 pm'"
phrases = [
    "soon", "shortly", "asap", "as soon as possible", "as soon as we can", "as soon as i can", "in due course", "at some point", "at some stage",
    "in the near future", "sooner or later", "one of these days", "when we can", "when we get a chance",
    "guarantee", "guaranteed", "guarantees", "will never happen again", "won't happen again",
    "will not happen again", "never happen again", "100%",
]
exceptions = [
    "as soon as", "speak soon", "talk soon", "see you soon",
    "get well soon", "chat soon", "money back guarantee", "price guarantee", "guarantee period", "100% refund",
    "100% of", "shortly after|before", "soon after", "our|the|your|a|this guarantee", "guarantee covers|cover",
]
must_fire = [
    "We will get back to you soon.",
    "Your refund will be processed shortly.",
    "I'll fix it ASAP.",
    "We guarantee this will never happen again.",
    "I'll look into it as soon as possible.",
]
must_not_fire = [
    "I'll email you by Thursday 5 pm with the tracking number.",
    "As soon as the courier confirms, I'll send you the tracking link.",
    "Your jacket is covered by our money-back guarantee.",
    "Our guarantee covers the pump, and you will get an email shortly after the courier scans it.",
]

[[rule]]
id = "refusal-without-alternative"
kind = "refusal"
severity = "warning"
message = "This refuses the customer without offering anything else. Offer an alternative the company can give."
principle = "offer an alternative the company can give (seed 004)"
suggestion = "add what you can do, e.g. 'What I can do instead is…'"
phrases = [
    "we cannot", "we can't", "we can not", "we are unable to", "we're unable to", "we are not able to",
    "we're not able to", "we won't be able to", "we will not be able to", "i cannot", "i can't", "i'm unable to",
    "i am unable to", "i am not able to", "i'm not able to", "not possible", "isn't possible", "impossible",
    "against our policy", "against company policy", "against our company policy", "not allowed", "we do not allow",
    "we don't allow", "we do not offer", "we don't offer", "we are not in a position to", "we're not in a position to",
]
exceptions = [
    "can't wait", "cannot wait", "can not wait", "can't thank", "cannot thank", "can't believe", "can't imagine",
    "cannot imagine", "can't recommend", "can't find", "cannot find", "can't see", "cannot see", "can't tell",
    "i can't wait", "can't apologise", "can't apologize", "can't say how", "not possible without you",
    "unable to find|see|locate|reproduce|spot", "not able to find|see|locate|reproduce|spot",
    "can't locate|reproduce|spot", "cannot locate|reproduce|spot", "impossible to overstate|say|tell|imagine",
    "not possible to overstate|say|tell",
]
alternatives = [
    "instead", "what i can do", "what we can do", "alternatively", "alternative", "i can offer", "we can offer",
    "i could offer", "we could offer", "option", "options", "would you prefer", "would you like", "i'd be happy to",
    "i would be happy to", "i'd be glad to", "i would be glad to", "what i have done", "i have arranged",
    "i've arranged", "i can send", "we can send", "i can arrange", "we can arrange",
]
must_fire = [
    "We cannot refund orders after 60 days.",
    "Exchanging opened items is against our policy.",
    "I'm afraid that's not possible.",
]
must_not_fire = [
    "We can't refund it after 60 days, but what I can do instead is offer store credit.",
    "I can't wait to hear how the new lens works for you.",
    "I am unable to find any fault on your account, and I cannot see a second charge.",
    "It is impossible to overstate how much your feedback helped.",
    "We cannot refund orders after 60 days. Would you prefer a replacement or store credit?",
]

[[rule]]
id = "impersonal-signoff"
kind = "signoff-name"
severity = "suggestion"
scopes = ["sign-off"]
message = "The sign-off carries only a team's name. Let the customer know who is writing to them."
principle = "engage with interest, let them know you (seed 000 rule 4; 002)"
suggestion = "sign with your own name, e.g. 'Priya, Customer Service'"
team_words = [
    "team", "support", "service", "services", "department", "desk", "helpdesk", "care", "staff", "office",
    "crew", "customer", "customers", "management", "admin", "administration", "operations",
]
must_fire = [
    "Hi Jane,\n\nThanks for writing.\n\nBest regards,\nThe Customer Service Team",
    "Hi Jane,\n\nThanks for writing.\n\nKind regards,\nAcme Support",
    "Hi Jane,\n\nThanks for writing.\n\nBest regards,",
]
must_not_fire = [
    "Hi Jane,\n\nThanks for writing.\n\nBest regards,\nPriya Shah, Customer Service",
    "Hi Jane,\n\nThanks for writing.\n\nBest regards,\nPriya from the Support Team",
    "Hi Jane,\n\nThanks for writing.\n\nCheers, Tom",
]

"""#

    /// The default rule pack, from the embedded copy of `config/courtesy.toml`.
    /// - Throws: `RulePackError` only if the embedded copy were broken, which the tests rule out.
    public static func standard() throws(RulePackError) -> RulePack {
        try RulePack(text: Self.defaultText, file: "<default pack>")
    }
}

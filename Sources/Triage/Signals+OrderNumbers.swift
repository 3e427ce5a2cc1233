import Foundation

extension Signals {
    /// "#12345", or a reference word ("order", "ref", "invoice", …) optionally followed by
    /// "no.", "number", "#" or ":" and then the identifier.
    private static let referencePattern: NSRegularExpression = {
        let keywords = "order|ref|reference|invoice|inv|ticket|case|confirmation|tracking|booking|receipt"
            + "|transaction|account|rma|po|parcel|shipment|claim|return|reservation|customer|membership|policy"
        let connector = #"(?:\s*(?:no\.?|number|nr\.?|num\.?|id|code|is|#|:|-))*"#
        let identifier = #"([A-Za-z0-9][A-Za-z0-9\-/]*)"#
        let pattern = #"(?:#\s?"# + identifier + #")|\b(?:"# + keywords + #")s?\b\.?"# + connector + #"\s*"#
            + identifier
        // The pattern is a constant: failing to compile it is a programming error caught by tests.
        return try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }()

    /// Order and reference numbers: identifiers of three or more characters with at least one
    /// digit, introduced by "#" or a reference word, without the "#", each once.
    static func orderNumbers(in text: String) -> [String] {
        let range = NSRange(text.startIndex..., in: text)
        var found: [String] = []
        for match in referencePattern.matches(in: text, range: range) {
            for group in 1...2 {
                guard let captured = Range(match.range(at: group), in: text) else { continue }
                var identifier = String(text[captured])
                while let last = identifier.last, last == "-" || last == "/" { identifier.removeLast() }
                guard identifier.count >= 3, identifier.contains(where: \.isNumber), !found.contains(identifier)
                else { continue }
                found.append(identifier)
            }
        }
        return found
    }
}

import Foundation

extension LintContext {
    /// The first name in a sender's display name, for `firstName`: "Jane Doe" → "Jane",
    /// "Doe, Jane" → "Jane", "Dr. Jane Doe" → "Jane". `nil` when there is no usable name (an
    /// empty name, an address, a single initial, or a name in capitals like "ACME BILLING",
    /// which is more likely a company than a person).
    public static func firstName(fromDisplayName displayName: String) -> String? {
        var name = displayName.trimmingSpaces
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
        guard !name.isEmpty, !name.contains("@") else { return nil }
        if let comma = name.firstIndex(of: ",") { name = String(name[name.index(after: comma)...]) }
        let titles: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"]
        let words = name.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter {
            !titles.contains($0.lowercased().trimmingCharacters(in: ["."]))
        }
        guard let first = words.first?.trimmingCharacters(in: [".", "'", "\""]), first.count > 1,
            first.first?.isLetter == true, first != first.uppercased() || first.count <= 1
        else { return nil }
        return first
    }

    /// Whether the customer's text asks how we are ("how are you", "how are things", "how have
    /// you been", "how's it going"), for `askedHowAreYou`. Pass the customer's own words, not
    /// the quoted history.
    public static func asksHowWeAre(_ text: String) -> Bool {
        let words = Tokenizer.words(text)
        let questions: [[String]] = [
            ["how", "are", "you"], ["how", "are", "things"], ["how", "have", "you", "been"],
            ["how's", "it", "going"], ["how", "is", "it", "going"], ["how", "are", "you", "doing"],
            ["how're", "you"], ["how", "r", "u"], ["hope", "you", "are", "well"], ["hope", "you're", "well"],
        ]
        guard words.count >= 2 else { return false }
        for start in words.indices {
            for question in questions where start + question.count <= words.count {
                if Array(words[start..<start + question.count]) == question { return true }
            }
        }
        return false
    }
}

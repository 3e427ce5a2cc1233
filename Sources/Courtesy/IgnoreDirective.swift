import Foundation

/// `tact: ignore RULE-ID [RULE-ID…]` lines: a writer's way to silence a rule for one draft.
/// They are for the reviewer, not the customer, and are removed before sending.
public enum IgnoreDirective {
    /// The rule ids a line names, when the line is an ignore directive (ids separated by spaces
    /// or commas); `nil` for any other line.
    public static func ruleIDs(in line: String) -> [String]? {
        let trimmed = line.trimmingSpaces
        let lowered = trimmed.lowercased()
        let prefix: String
        if lowered.hasPrefix("tact: ignore") {
            prefix = "tact: ignore"
        } else if lowered.hasPrefix("tact:ignore") {
            prefix = "tact:ignore"
        } else {
            return nil
        }
        let rest = lowered.dropFirst(prefix.count)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        return rest.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
    }

    /// The draft without its `tact: ignore` lines, ready to send. Other lines, including line
    /// breaks and quoted text, are kept exactly.
    ///
    /// ```swift
    /// let outgoing = IgnoreDirective.strip("Hi Jane,\ntact: ignore shouting\nThe API is back.\n")
    /// // "Hi Jane,\nThe API is back.\n"
    /// ```
    public static func strip(_ draft: String) -> String {
        // Every directive holds "tact:" (in any case): a draft without a "t:" has none, and is
        // returned without splitting it into lines (which was most of the cost of drafting's end).
        // The colons found with memchr, on the String's own bytes (walking its UTF-8 view cost
        // ~10 instructions a byte of every draft).
        var copy = draft
        let mayHold = copy.withUTF8 { bytes -> Bool in
            guard let base = bytes.baseAddress else { return false }
            var start = 0
            while start < bytes.count, let found = memchr(base + start, Int32(UInt8(ascii: ":")), bytes.count - start) {
                let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if at > 0, bytes[at - 1] | 0x20 == UInt8(ascii: "t") { return true }
                start = at + 1
            }
            return false
        }
        guard mayHold else { return draft }
        // Split on scalars: as Characters, "\r\n" is one grapheme and would not split on "\n".
        var kept: [String] = []
        var removed = false
        for line in draft.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = String(String.UnicodeScalarView(line))
            if self.ruleIDs(in: text.hasSuffix("\r") ? String(text.unicodeScalars.dropLast()) : text) != nil {
                removed = true
            } else {
                kept.append(text)
            }
        }
        return removed ? kept.joined(separator: "\n") : draft
    }
}

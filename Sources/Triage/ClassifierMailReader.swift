import Foundation

/// Turns one labeled `.eml` file into its subject and the customer's own words.
///
/// Stopgap until `MailParsing` (GMime) lands in main: it accepts only the simple shape the
/// shipped corpus uses (a single `text/plain` part in 7bit or 8bit UTF-8, an unencoded subject)
/// and refuses everything else with an error, rather than decoding MIME by hand. Quoted history
/// and the signature are cut with the common markers so training sees what the classifier will
/// see in production.
enum LabeledMailReader {
    static func read(_ data: Data, path: String) throws -> (subject: String, text: String) {
        guard let raw = String(data: data, encoding: .utf8) else {
            throw ClassifierError.unreadableInput(path, "not UTF-8; this reader needs the MailParsing parser")
        }
        let normalized = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let parts = normalized.components(separatedBy: "\n\n")
        guard parts.count >= 2 else { throw ClassifierError.unreadableInput(path, "no blank line after the headers") }
        var headers: [String: String] = [:]
        var last: String?
        for line in parts[0].split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", let name = last {
                headers[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                last = name
            }
        }
        let type = headers["content-type"]?.lowercased() ?? "text/plain"
        let encoding = headers["content-transfer-encoding"]?.lowercased() ?? "7bit"
        let subject = headers["subject"] ?? ""
        guard type.hasPrefix("text/plain"), ["7bit", "8bit"].contains(encoding), !subject.contains("=?") else {
            throw ClassifierError.unreadableInput(
                path, "MIME (\(type), \(encoding)) needs the MailParsing parser; use plain UTF-8 text")
        }
        let body = parts.dropFirst().joined(separator: "\n\n")
        return (subject, ownWords(body))
    }

    /// The body up to the quoted history or signature, without `>` lines.
    static func ownWords(_ body: String) -> String {
        var kept: [Substring] = []
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line == "-- " || line == "--" || trimmed.hasPrefix("-----Original Message-----")
                || (trimmed.hasPrefix("On ") && trimmed.hasSuffix("wrote:"))
                || (trimmed.hasPrefix("From:") && kept.last.map { $0.trimmingCharacters(in: .whitespaces).isEmpty } == true)
            {
                break
            }
            if trimmed.hasPrefix(">") { continue }
            kept.append(line)
        }
        return kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

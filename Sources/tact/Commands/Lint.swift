import ArgumentParser
import Courtesy
import Foundation
import MailParsing
import Triage

/// `tact lint`: checks one draft against the courtesy rules and prints the findings.
///
/// The arguments are parsed here rather than by ArgumentParser so that every usage error exits
/// with status 2, as the command's contract says (ArgumentParser would use 64).
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a draft reply against the courtesy rules.",
        usage: """
            tact lint [FILE|-] [--incoming MAIL.eml] [--category C] [--first-name NAME] [--sentiment S]
                      [--asked-how-are-you] [--rules FILE] [--json] [--fail-on error|warning|suggestion]
            """,
        discussion: """
            Reads the draft from FILE, or from standard input when FILE is - or absent, and prints each \
            finding as `line:col severity rule-id message`, the line with the match underlined, and the \
            suggestion. --json prints a JSON array of objects with the keys rule, severity, line, column, \
            match, message, suggestion.

            Context flags describe the incoming mail; rules that need context stay silent without it. \
            --category and --sentiment take the triage names (e.g. complaint, negative). --incoming MAIL.eml \
            derives all four from the customer's mail (parsed and classified as the daemon would); flags given \
            as well override what it derives.

            Rules come from --rules FILE, else config/courtesy.toml in the current directory, else \
            /etc/tact/courtesy.toml, else the built-in default pack. docs/COURTESY.md describes every rule \
            and how to silence one (a `tact: ignore RULE-ID` line in the draft).

            Exit status: 0 when no finding is at or above the --fail-on level (default error), 1 when \
            one is, 2 for usage errors, unreadable files and invalid rule packs.
            """)

    @Argument(parsing: .captureForPassthrough, help: .hidden)
    var arguments: [String] = []

    func run() throws {
        let options: LintOptions
        do {
            options = try LintOptions(parsing: self.arguments)
        } catch {
            Self.fail("\(error.message)\nUsage: tact lint [FILE|-] [options]; see `tact lint --help`.")
        }
        if options.help {
            print(Lint.helpMessage())
            return
        }
        var context = options.context
        if let incoming = options.incoming {
            let derived = Self.context(fromIncoming: incoming)
            context.category = context.category ?? derived.category
            context.sentiment = context.sentiment ?? derived.sentiment
            context.firstName = context.firstName ?? derived.firstName
            context.askedHowAreYou = context.askedHowAreYou ?? derived.askedHowAreYou
        }
        let draft = Self.readDraft(options.file)
        let pack: RulePack
        do {
            pack = try RulePack.locate(explicitFile: options.rules).pack
        } catch {
            Self.fail("invalid rule pack: \(error.description)")
        }
        let findings = Linter(pack: pack).lint(draft, context: context)
        if options.json {
            print(Self.json(findings))
        } else {
            print(LintReport.readable(findings, draft: draft), terminator: "")
        }
        if findings.contains(where: { $0.severity >= options.failOn }) { throw ExitCode(1) }
    }

    /// The lint context of the customer's mail: its category and sentiment as the classifier sees
    /// them, the first name, whether they asked how we are. Machine mail has no reply to lint.
    static func context(fromIncoming path: String) -> LintContext {
        let data: Data
        do {
            data = try readInput(path)
        } catch {
            Self.fail("--incoming: \(error)")
        }
        let message: InboundMessage
        do {
            message = try MailParser().parse(data)
        } catch {
            Self.fail("--incoming \(path): \(error)")
        }
        let classifier: Classifier
        do {
            classifier = try Classifier.shipped()
        } catch {
            Self.fail("the classifier model cannot be loaded: \(error)")
        }
        let classification = classifier.classify(subject: message.subject, text: message.text.wordsToClassify)
        return LintContext(
            category: classification.category.rawValue, sentiment: classification.signals.sentiment.rawValue,
            firstName: message.firstName, askedHowAreYou: classification.signals.asksHowAreYou)
    }

    private static func readDraft(_ file: String) -> String {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
                let contents = FileManager.default.contents(atPath: file)
            else {
                Self.fail("cannot read draft \(file): no such readable file. Fix: check the path, or pass - for stdin.")
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else {
            Self.fail("draft \(file == "-" ? "on standard input" : file) is not UTF-8 text. Fix: convert it to UTF-8.")
        }
        return text
    }

    private static func json(_ findings: [Finding]) -> String {
        guard !findings.isEmpty else { return "[]" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(findings) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Prints `message` to standard error and exits with status 2.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("tact lint: \(message)\n".utf8))
        Foundation.exit(2)
    }
}

/// The parsed arguments of `tact lint`.
struct LintOptions {
    struct UsageError: Error { let message: String }

    var file = "-"
    var context = LintContext()
    var rules: String?
    var json = false
    var failOn = Severity.error
    var help = false
    var incoming: String?

    init(parsing arguments: [String]) throws(UsageError) {
        var fileGiven = false
        var index = 0
        func value(_ flag: String) throws(UsageError) -> String {
            index += 1
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw UsageError(message: "\(flag) needs a value")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func take() throws(UsageError) -> String {
                if let inline { return inline }
                return try value(flag)
            }
            switch flag {
            case "-h", "--help", "help": self.help = true
            case "--category": self.context.category = try Self.nonEmpty(take(), flag)
            case "--sentiment": self.context.sentiment = try Self.nonEmpty(take(), flag)
            case "--first-name": self.context.firstName = try Self.nonEmpty(take(), flag)
            case "--asked-how-are-you": self.context.askedHowAreYou = true
            case "--rules": self.rules = try Self.nonEmpty(take(), flag)
            case "--json": self.json = true
            case "--fail-on":
                let level = try take()
                guard let severity = Severity(rawValue: level) else {
                    throw UsageError(message: "--fail-on takes error, warning or suggestion, not `\(level)`")
                }
                self.failOn = severity
            case "--incoming": self.incoming = try Self.nonEmpty(take(), flag)
            default:
                if argument.hasPrefix("-") && argument != "-" {
                    throw UsageError(message: "unknown option \(argument)")
                }
                guard !fileGiven else {
                    throw UsageError(message: "only one draft at a time (got \(self.file) and \(argument))")
                }
                self.file = argument
                fileGiven = true
            }
            index += 1
        }
    }

    private static func nonEmpty(_ text: String, _ flag: String) throws(UsageError) -> String {
        guard !text.allSatisfy(\.isWhitespace) else { throw UsageError(message: "\(flag) needs a non-empty value") }
        return text
    }
}

/// The readable form of findings: `line:col severity rule-id message`, the draft line with
/// the match underlined, and the suggestion.
enum LintReport {
    static func readable(_ findings: [Finding], draft: String) -> String {
        // Split on scalars: as Characters, "\r\n" is one grapheme and would not split on "\n".
        let lines = draft.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map {
            String(String.UnicodeScalarView($0.last == "\r" ? $0.dropLast() : $0))
        }
        var output = ""
        for finding in findings {
            output += "\(finding.line):\(finding.column) \(finding.severity.rawValue) \(finding.rule) "
            output += "\(finding.message)\n"
            if finding.line - 1 < lines.count {
                let line = String(lines[finding.line - 1]).replacingOccurrences(of: "\t", with: " ")
                let firstLine = finding.match.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
                let width = max(1, firstLine.count)
                output += "    \(line)\n"
                output += "    " + String(repeating: " ", count: finding.column - 1)
                output += String(repeating: "^", count: width)
                output += "\n"
            }
            if let suggestion = finding.suggestion { output += "    suggestion: \(suggestion)\n" }
        }
        let counts = Severity.allCases.reversed().compactMap { severity -> String? in
            let count = findings.filter { $0.severity == severity }.count
            return count == 0 ? nil : "\(count) \(severity.rawValue)\(count == 1 ? "" : "s")"
        }
        let total = "\(findings.count) finding\(findings.count == 1 ? "" : "s")"
        output += findings.isEmpty ? "no findings\n" : "\(total) (\(counts.joined(separator: ", ")))\n"
        return output
    }
}

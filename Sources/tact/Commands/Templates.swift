import ArgumentParser
import Configuration
import Courtesy
import Drafting
import Foundation
import MailParsing
import Triage

/// `tact templates …`: list, preview, check and safely edit the reply templates.
struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, preview, check and edit the reply templates.",
        subcommands: [List.self, Preview.self, Check.self, Edit.self])

    /// Where the templates are: `--templates DIR`, else the configuration's `templates_dir`, else
    /// `./templates`, else `/etc/tact/templates`.
    struct Location: ParsableArguments {
        @Option(name: .customLong("templates"), help: "The templates folder (default: templates_dir from the configuration, else ./templates, else /etc/tact/templates).")
        var directory: String?

        @Option(name: .customLong("config"), help: "The configuration file (default: $TACT_CONFIG, /etc/tact/tact.toml, ./config/tact.toml).")
        var configFile: String?

        /// The configuration: `--config` must load; otherwise the usual lookup, and nil when there is none.
        func configuration() throws -> TactConfiguration? {
            do {
                return try TactConfiguration.load(explicitPath: self.configFile, environment: ProcessInfo.processInfo.environment)
                    .configuration
            } catch let error where error.kind == .fileNotFound && self.configFile == nil
                && ProcessInfo.processInfo.environment[TactConfiguration.environmentVariable] == nil {
                return nil
            } catch {
                throw CLIError("\(error)")
            }
        }

        func resolve() throws -> String {
            if let directory { return directory }
            if let configured = try self.configuration()?.drafting.templatesDirectory { return configured }
            for candidate in ["templates", "/etc/tact/templates"]
            where FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent("question.mustache")) {
                return candidate
            }
            throw CLIError("no templates folder found in ./templates or /etc/tact/templates: pass --templates DIR")
        }

        func load() throws -> TemplateLibrary {
            let directory = try self.resolve()
            do {
                return try TemplateLibrary(directory: directory)
            } catch {
                throw CLIError("the templates in \(directory) have problems:\n\(error)\nfix them, then run `tact templates check`")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the templates and the variables each uses.")
        @OptionGroup var location: Location

        func run() throws {
            let library = try self.location.load()
            for name in library.templates.keys.sorted() {
                let variables = library.templates[name]!.variables.keys.sorted().joined(separator: ", ")
                print("\(name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(variables)")
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a template rendered for a sample customer, or for a real mail.",
            discussion: """
                Without --mail the sample is the first case of the check matrix: a named customer with a record and \
                an order number. With --mail the customer's name, subject, order numbers and greeting come from that \
                message, as the daemon would fill them (the promise counts from now).
                """)
        @OptionGroup var location: Location
        @Argument(help: "The template's name, e.g. complaint.") var name: String
        @Option(name: .customLong("mail"), help: "A customer's message (.eml) to fill the template from.") var mail: String?

        func run() throws {
            let library = try self.location.load()
            guard let template = library.templates[self.name] else {
                throw CLIError("there is no template \"\(self.name)\": choose one of \(library.templates.keys.sorted().joined(separator: ", "))")
            }
            var context = TemplateMatrix.cases(category: self.name)[0].context
            if let path = self.mail {
                let message: InboundMessage
                do {
                    message = try MailParser().parse(try readInput(path))
                } catch let error as CLIError {
                    throw error
                } catch {
                    throw CLIError("\(path): \(error)")
                }
                let signals = Signals(subject: message.subject, text: message.text.wordsToClassify)
                context.firstName = message.firstName
                context.subject = message.subject
                context.orderNumbers = signals.orderNumbers
                context.askedHowAreYou = signals.asksHowAreYou
                context.customer = nil
                context.now = Date()
                context.promisedBy = (try? context.businessHours.promise(for: context.now, target: context.responseTarget)) ?? context.now
            }
            let (subject, body) = template.render(context.values)
            print("Subject: \(subject)\n\n\(body)", terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every template: it parses, uses only known variables, and renders lint-clean across the matrix.",
            discussion: """
                The matrix: each category × {name known, unknown} × {customer record, none} × {asked how we are, not}                 × {order number, none}. Any courtesy finding, of any severity, is a problem. Exits non-zero on any                 problem, so teams can run it in their own CI.
                """)
        @OptionGroup var location: Location
        @Option(name: .customLong("rules"), help: "A courtesy rule pack to lint with (default: config/courtesy.toml, else /etc/tact/courtesy.toml, else the built-in pack).")
        var rulesFile: String?

        func run() throws {
            let directory = try self.location.resolve()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError("\(directory) is not a folder: pass --templates with the folder holding the *.mustache files")
            }
            let report = TemplateCheck.run(directory: directory, linter: try TemplateCheck.linter(rules: self.rulesFile))
            for problem in report.problems { print(problem) }
            if report.problems.isEmpty {
                print("\(report.templates) templates OK (\(report.renders) renders checked) in \(directory)")
            } else {
                print("\(report.problems.count) problem(s) in \(directory)")
                throw ExitCode(1)
            }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Edit a template in $EDITOR; it is installed only if it passes the check.",
            discussion: "The old template stays in place until the edited copy passes. On problems you are shown them and asked whether to edit again.")
        @OptionGroup var location: Location
        @Argument(help: "The template's name, e.g. complaint.") var name: String

        func run() throws {
            let directory = try self.location.resolve()
            let target = (directory as NSString).appendingPathComponent("\(self.name).mustache")
            guard FileManager.default.fileExists(atPath: target) else {
                throw CLIError("there is no template \(target): `tact templates list` shows the names")
            }
            let editor = try editorCommand(for: "tact templates edit \(self.name)")
            // Work on a copy inside a scratch folder that mirrors the templates, so the check sees the
            // edited template together with all the others.
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tact-edit-\(getpid())").path
            try? FileManager.default.removeItem(atPath: scratch)
            try FileManager.default.copyItem(atPath: directory, toPath: scratch)
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let copy = (scratch as NSString).appendingPathComponent("\(self.name).mustache")
            while true {
                let status = try Self.runEditor(editor, file: copy)
                guard status == 0 else {
                    print("the editor exited with status \(status): the template was not changed")
                    throw ExitCode(1)
                }
                let report = TemplateCheck.run(directory: scratch, linter: try TemplateCheck.linter(rules: nil))
                if report.problems.isEmpty {
                    try Self.install(copy, over: target)
                    print("installed \(target): \(report.renders) renders checked")
                    return
                }
                for problem in report.problems { print(problem.replacingOccurrences(of: scratch, with: directory)) }
                print("The template was not installed; the old one stays. Edit again? [Y/n] ", terminator: "")
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? "n"
                if answer == "n" || answer == "no" {
                    print("discarded the edit")
                    throw ExitCode(1)
                }
            }
        }

        /// Replaces `target` atomically: the new text goes to a temporary file in the same folder,
        /// which is then renamed over the old one, so a reader (the daemon reloading) never sees
        /// half a template.
        static func install(_ source: String, over target: String) throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: source))
            let folder = (target as NSString).deletingLastPathComponent
            let temporary = (folder as NSString).appendingPathComponent(".\((target as NSString).lastPathComponent).tact-new")
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw CLIError("cannot write in \(folder): check that you may change the templates there")
            }
            if let attributes = try? FileManager.default.attributesOfItem(atPath: target),
                let mode = attributes[.posixPermissions]
            {
                try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary)
            }
            guard rename(temporary, target) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: temporary)
                throw CLIError("cannot replace \(target): \(reason)")
            }
        }

        static func runEditor(_ editor: String, file: String) throws -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            // The editor setting may carry arguments ("code --wait"): let the shell split it.
            process.arguments = ["-c", "\(editor) \"$1\"", "tact-editor", file]
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }
}

/// The whole check `tact templates check` and `edit` run.
enum TemplateCheck {
    struct Report {
        var templates = 0
        var renders = 0
        var problems: [String] = []
    }

    static func linter(rules: String?) throws -> Linter {
        do {
            return Linter(pack: try RulePack.locate(explicitFile: rules).pack)
        } catch {
            throw CLIError("\(error)")
        }
    }

    static func run(directory: String, linter: Linter) -> Report {
        var report = Report()
        let library: TemplateLibrary
        do {
            library = try TemplateLibrary(directory: directory)
        } catch {
            report.problems = error.problems.map(\.description)
            return report
        }
        report.templates = library.templates.count
        for (name, template) in library.templates.sorted(by: { $0.key < $1.key }) {
            for matrixCase in TemplateMatrix.cases(category: name) {
                let (subject, body) = template.render(matrixCase.context.values)
                report.renders += 1
                if subject.isEmpty {
                    report.problems.append("\(template.file): renders an empty subject (\(matrixCase.label))")
                }
                if body.contains("{{") || body.contains("}}") {
                    report.problems.append("\(template.file): leaves a {{ or }} in the reply (\(matrixCase.label))")
                }
                let context = LintContext(
                    category: name == "uncertain" ? nil : name, sentiment: nil, firstName: matrixCase.context.firstName,
                    askedHowAreYou: matrixCase.context.askedHowAreYou)
                for finding in linter.lint(body, context: context) {
                    // The line is in the rendered reply; the template's own line may differ.
                    report.problems.append(
                        "\(template.file): \(finding.severity.rawValue) \(finding.rule) at reply line \(finding.line): "
                            + "\"\(finding.match)\": \(finding.message) (\(matrixCase.label))")
                }
            }
        }
        return report
    }
}

// libFuzzer targets over the loaders of files a deployment writes by hand (configuration, courtesy
// rule pack, reply templates) and over our own IMAP response parser. One executable, the target
// named by the first argument: `TactFuzz config CORPUS -max_total_time=60`. Built and run by
// scripts/fuzz, which compiles with `-sanitize=fuzzer,address` and `-D TACT_FUZZ`; a normal
// `swift build` gets a replay entry point instead (`TactFuzz config FILE...`), so regression
// inputs can be replayed without the fuzzer runtime.
import Configuration
import Courtesy
import Drafting
import Foundation
import MailTransport

enum FuzzTarget: String, CaseIterable {
    case config, rules, template, imap

    /// Runs one input. Anything but a value or a typed error (a crash, a trap, a hang caught by
    /// `-timeout`, a leak of memory past `-rss_limit_mb`) is a finding.
    func exercise(_ data: Data) {
        switch self {
        case .config: Self.configuration(data)
        case .rules: Self.rulePack(data)
        case .template: Self.template(data)
        case .imap: _ = IMAPResponseFuzzing.exercise(Array(data))
        }
    }

    /// `TactConfiguration.parse`: TOML text to validated settings, or a `ConfigurationError`.
    private static func configuration(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        do {
            let configuration = try TactConfiguration.parse(
                toml: text, source: "/etc/tact/fuzz.toml", environment: ["CREDENTIALS_DIRECTORY": "/run/credentials/tact"])
            _ = configuration.mailboxes.map { $0.name.count + $0.ownAddresses.count }.reduce(0, +)
            _ = configuration.daemon.storePath
            _ = configuration.drafting.businessHours
        } catch {
            _ = error.description
        }
    }

    /// The shipped draft the rule packs are checked against.
    nonisolated(unsafe) static let draft = """
        Hi Jane,

        thank you for your message about order #48213. I am sorry for the trouble: we will look into it \
        and answer by Monday 23 November, 13:00 at the latest. ASAP!!! Unfortunately, per our policy, \
        you must wait.

        Best regards,
        Marta Keller
        Customer care
        """

    /// The default pack, read once (reading it per input would be most of the work).
    nonisolated(unsafe) static let standard = try! RulePack.standard()

    /// `RulePack(text:)` and a layer over the default pack; a pack that loads lints a draft.
    private static func rulePack(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        for attempt in 0..<2 {
            do {
                let pack =
                    attempt == 0
                    ? try RulePack(text: text, file: "fuzz.toml")
                    : try Self.standard.layered(withText: text, file: "fuzz.toml")
                let findings = Linter(pack: pack).lint(Self.draft, context: LintContext(firstName: "Jane"))
                _ = findings.map { $0.message.count }.reduce(0, +)
            } catch {
                _ = error.description
            }
        }
    }

    nonisolated(unsafe) static let values: [String: Any] = TemplateMatrix.cases(category: "question")[0].context.values

    /// `ReplyTemplate(text:)`, and rendering a template that loads.
    private static func template(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        do {
            let template = try ReplyTemplate(name: "question", file: "templates/question.mustache", text: text)
            let (subject, body) = template.render(Self.values)
            _ = subject.count + body.count
        } catch {
            _ = error.description
        }
    }
}

/// The target chosen on the command line, read by the C callback (which cannot capture).
nonisolated(unsafe) var selectedTarget = FuzzTarget.config

@_cdecl("LLVMFuzzerTestOneInput")
public func tactFuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes else { return 0 }
    selectedTarget.exercise(Data(bytes: bytes, count: size))
    return 0
}

/// The target named by the first argument, or exit with the list of targets.
func chooseTarget() -> FuzzTarget {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("usage: TactFuzz TARGET [FILES or libFuzzer options]; TARGET is one of \(names)\n".utf8))
        exit(2)
    }
    return target
}

#if TACT_FUZZ
/// libFuzzer's driver (compiler-rt, LLVM 12 and later).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
struct TactFuzzDriver {
    static func main() {
        selectedTarget = chooseTarget()
        // libFuzzer sees the program name and everything after the target name.
        var arguments: [UnsafeMutablePointer<CChar>?] = [CommandLine.unsafeArgv[0]]
        for index in 2..<Int(CommandLine.argc) { arguments.append(CommandLine.unsafeArgv[index]) }
        arguments.append(nil)
        var argc = CInt(arguments.count - 1)
        arguments.withUnsafeMutableBufferPointer { buffer in
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
            exit(LLVMFuzzerRunDriver(&argc, &argv, tactFuzzTestOneInput))
        }
    }
}
#else
/// Without libFuzzer: replays the files (or every file in the folders) given after the target.
@main
struct TactFuzzReplay {
    static func main() throws {
        let target = chooseTarget()
        for path in CommandLine.arguments.dropFirst(2) {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let files =
                isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { "\(path)/\($0)" } : [path]
            for file in files {
                target.exercise(try Data(contentsOf: URL(fileURLWithPath: file)))
                print("ok \(target.rawValue) \(file)")
            }
        }
    }
}
#endif

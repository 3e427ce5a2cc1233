// A libFuzzer target over the mail parser and suppression. Built and run by scripts/fuzz-parser,
// which compiles with `-sanitize=fuzzer` and `-D TACT_FUZZ`: the entry point then hands control
// to libFuzzer's driver. A normal `swift build` gets a replay entry point instead, so the package
// builds and links without the fuzzer runtime.
import Foundation
@_spi(Testing) import MailParsing
import Triage

/// libFuzzer's entry point: one input per call. Anything but a value or a typed error (a crash,
/// a trap, a hang caught by `-timeout`) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func parserFuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let bytes else { return 0 }
    ParserFuzz.exercise(Data(bytes: bytes, count: size))
    return 0
}

enum ParserFuzz {
    /// Small limits, so the fuzzer reaches every limit branch with small inputs.
    static let parser = MailParser(
        limits: ParseLimits(maxBytes: 256 * 1024, maxDepth: 8, maxParts: 64, maxTextCharacters: 20_000))
    /// The same limits with every header block parsed by GMime's message object: the split
    /// path (`HeaderBlock`) must give the same message or the same error for any input.
    static let wholeParser: MailParser = {
        var parser = Self.parser
        parser.splitsHeaders = false
        return parser
    }()
    static let policy = SuppressionPolicy(ownAddresses: ["support@shop.example"], neverAcknowledge: ["vip.example"])

    /// Parses `data` and touches every derived value, so lazily computed parts run too.
    static func exercise(_ data: Data) {
        let split = Result { () throws(MailParseError) in try self.parser.parse(data) }
        let whole = Result { () throws(MailParseError) in try self.wholeParser.parse(data) }
        if split != whole {
            fatalError("the split header block parses differently from GMime's message: \(split) / \(whole)")
        }
        do {
            let message = try self.parser.parse(data)
            _ = message.firstName
            _ = self.policy.evaluate(message)
            _ = message.text.ownWords.count + message.attachments.count + message.headers.count
        } catch {
            _ = error.description  // a typed MailParseError: the expected outcome for junk
        }
        // The HTML converter also sees raw input, as hostile HTML parts would reach it.
        if data.count < 64 * 1024 {
            _ = HTMLText.render(String(decoding: data, as: UTF8.self))
        }
    }
}

#if TACT_FUZZ
/// libFuzzer's driver (compiler-rt, LLVM 12 and later).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's entry point under this name; here it starts libFuzzer.
@main
struct ParserFuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, parserFuzzTestOneInput))
    }
}
#else
/// Without libFuzzer: replays the files given as arguments (a corpus or a crash input).
@main
struct ParserFuzzReplay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            ParserFuzz.exercise(try Data(contentsOf: URL(fileURLWithPath: path)))
            print("ok \(path)")
        }
    }
}
#endif

import Foundation

/// Runs a program to completion and captures what it printed. For starting test servers and
/// for running the built `tact` binary end to end.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

public enum Command {
    /// Runs `executable` with `arguments`, feeding `input` on standard input.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil,
        environment: [String: String]? = nil, currentDirectory: URL? = nil
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let errData = LockedBox(Data())
        let errReader = Thread {
            errData.value = err.fileHandleForReading.readDataToEndOfFile()
        }
        errReader.start()
        if let input { inPipe.fileHandleForWriting.write(input) }
        try? inPipe.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errReader.isFinished { usleep(1_000) }
        return CommandResult(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// The first of `candidates` that exists and is executable, else an error naming the package.
    public static func locate(_ candidates: [String], package: String) throws -> String {
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw TestSupportError("none of \(candidates) exists: run scripts/install-deps (needs \(package))")
    }
}

/// The built `tact` executable, next to the test bundle in the build folder.
public enum TactBinary {
    public static var path: String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // `swift test` runs <build>/debug/TactPackageTests.xctest; tact sits beside it.
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("tact").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("tact").path
    }

    /// Runs `tact` with `arguments` and returns what it printed and its exit status.
    @discardableResult
    public static func run(_ arguments: [String], input: Data? = nil, environment: [String: String]? = nil)
        throws -> CommandResult
    {
        try Command.run(self.path, arguments, input: input, environment: environment)
    }
}

/// A mutable box guarded by a lock, for handing a value back from another thread.
public final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    public init(_ value: Value) { self.stored = value }
    public var value: Value {
        get { self.lock.withLock { self.stored } }
        set { self.lock.withLock { self.stored = newValue } }
    }
}

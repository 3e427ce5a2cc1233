/// Why a configuration could not be used. Each error names the file, the key path
/// (`mailbox[2].port`, counting `[[mailbox]]` entries from 1), the line where one is known,
/// what is wrong and how to fix it. Secret values never appear in it.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// No configuration file was found, or the one named could not be read.
        case fileNotFound
        /// The file is not valid TOML.
        case syntax
        /// A key Tact does not know (often a typo).
        case unknownKey
        /// A required key is missing.
        case missingKey
        /// A key holds the wrong kind of value (a string where a number belongs).
        case wrongType
        /// A value of the right type that is not allowed (port out of range, relative path).
        case invalidValue
        /// A password or token written into the file itself.
        case secretInFile
        /// Two mailboxes with the same name.
        case duplicate
        /// A setting that would send secrets in clear or trust any certificate off loopback.
        case insecure
    }

    public let kind: Kind
    /// The file (or other source) the configuration came from.
    public let source: String
    /// The key the error is about, e.g. `mailbox[2].smtp.port`; nil for whole-file errors.
    public let keyPath: String?
    /// The 1-based line of the key in the file, where it could be found.
    public let line: Int?
    /// What is wrong.
    public let problem: String
    /// What to do about it.
    public let fix: String

    public init(
        _ kind: Kind, source: String, keyPath: String?, line: Int?, problem: String, fix: String
    ) {
        self.kind = kind
        self.source = source
        self.keyPath = keyPath
        self.line = line
        self.problem = problem
        self.fix = fix
    }

    /// `file:line: key.path: problem; fix`, one line, ready for a terminal or a log.
    public var description: String {
        var text = self.source
        if let line = self.line { text += ":\(line)" }
        text += ": "
        if let keyPath = self.keyPath { text += "\(keyPath): " }
        return text + "\(self.problem); \(self.fix)"
    }
}

import Foundation

/// The daemon's log: one event per line on stderr, in a form journald reads well. Each line starts
/// with a syslog priority prefix (`<3>` error, `<4>` warning, `<6>` info, `<7>` debug), which
/// journald turns into the entry's priority (SyslogLevelPrefix=, on by default), followed by the
/// event name and `key=value` fields; values with spaces or quotes are quoted. A message's
/// fields always include its mailbox, UID and Message-ID, so `journalctl | grep` finds it.
///
/// Secrets never reach it: the daemon logs transport errors, which never carry a password.
public struct EventLog: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case error = 3, warning = 4, info = 6, debug = 7
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue > rhs.rawValue }
    }

    private let sink: @Sendable (String) -> Void
    public var minimum: Level

    /// Writes to stderr.
    public static let standardError = EventLog { line in FileHandle.standardError.write(Data(line.utf8)) }

    public init(minimum: Level = .info, sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
        self.minimum = minimum
    }

    public func log(_ level: Level, _ event: String, _ fields: KeyValuePairs<String, String?> = [:]) {
        guard level >= self.minimum else { return }
        var line = "<\(level.rawValue)>\(event)"
        for (key, value) in fields {
            guard let value else { continue }
            line += " \(key)=\(Self.quote(value))"
        }
        self.sink(line + "\n")
    }

    /// One line whatever the value holds: line breaks become spaces; quoted when needed.
    static func quote(_ value: String) -> String {
        let flat = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard flat.isEmpty || flat.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return flat }
        return "\"" + flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

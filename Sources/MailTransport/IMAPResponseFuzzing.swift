/// A package-internal entry point for the libFuzzer target over `IMAPResponseParser` (Fuzz/TactFuzz):
/// the parser itself stays internal to this module.
package enum IMAPResponseFuzzing {
    /// Feeds `bytes` to a parser with small limits, in chunks of a size taken from the first byte
    /// (so split literals and lines are explored), and reads every complete response. Returns how
    /// many responses were parsed; a parse error ends the input, as it ends a connection.
    package static func exercise(_ bytes: [UInt8]) -> Int {
        guard let first = bytes.first else { return 0 }
        let chunk = Int(first % 64) + 1
        var parser = IMAPResponseParser(maxLineLength: 4096, maxLiteralSize: 4096)
        var count = 0
        var offset = 1
        while offset < bytes.count {
            let end = min(offset + chunk, bytes.count)
            parser.append(Array(bytes[offset..<end]))
            offset = end
            do {
                while let response = try parser.next() {
                    count += 1
                    Self.touch(response)
                }
            } catch {
                _ = error.message
                return count
            }
        }
        _ = parser.isIdle
        return count
    }

    /// Reads every part of a response, as the session does.
    private static func touch(_ response: IMAPResponse) {
        switch response {
        case .condition(_, let code, let text), .tagged(_, _, let code, let text):
            _ = (code?.name.count ?? 0) + (code?.arguments.count ?? 0) + text.count
        case .message(let number, let keyword, let values):
            _ = number.description.count + keyword.count + values.map(Self.size).reduce(0, +)
        case .data(let keyword, let values):
            _ = keyword.count + values.map(Self.size).reduce(0, +)
        case .continuation(let text):
            _ = text.count
        }
    }

    private static func size(_ value: IMAPValue) -> Int {
        switch value {
        case .atom(let atom): return atom.count + (value.number == nil ? 0 : 1)
        case .string(let bytes): return bytes.count
        case .list(let values): return values.map(Self.size).reduce(1, +)
        case .nil_: return 0
        }
    }
}

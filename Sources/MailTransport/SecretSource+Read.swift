import Foundation

extension SecretSource {
    /// Reads the secret now (files are read at every connect). Errors name the file, never the secret.
    public func read() throws(TransportError) -> Secret {
        switch self {
        case .literal(let secret):
            return secret
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TransportError(
                    .secretUnreadable,
                    "cannot read the secret file \(path): check that it exists and that the tact user may read it")
            }
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\r\n") { text.removeLast(1) } else if text.hasSuffix("\n") { text.removeLast() }
            guard !text.isEmpty else {
                throw TransportError(.secretUnreadable, "the secret file \(path) is empty: put the password or token in it")
            }
            guard !text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw TransportError(
                    .secretUnreadable, "the secret file \(path) holds more than one line: keep only the secret in it")
            }
            return Secret(text)
        }
    }
}

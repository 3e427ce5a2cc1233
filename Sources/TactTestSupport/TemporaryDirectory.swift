import Foundation

/// A directory under the system temp folder that is removed when `remove()` is called.
/// Names are unique per process and call, so parallel tests never share one.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "tact-test") throws {
        let name = "\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8))"
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    public var path: String { self.url.path }

    public func remove() {
        try? FileManager.default.removeItem(at: self.url)
    }
}

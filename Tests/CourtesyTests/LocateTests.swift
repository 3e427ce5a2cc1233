import Courtesy
import Foundation
import Testing

@Suite struct LocateTests {
    private func emptyDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("courtesy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func explicitFileWinsAndAMissingOneIsAnErrorNamingIt() throws {
        let found = try RulePack.locate(explicitFile: Fixture.defaultPackPath, currentDirectory: "/")
        #expect(found.source == Fixture.defaultPackPath)
        #expect(throws: RulePackError.self) { try RulePack.locate(explicitFile: "/nonexistent/x.toml") }
    }

    @Test func configFileInTheCurrentDirectoryComesNext() throws {
        let found = try RulePack.locate(explicitFile: nil, currentDirectory: Fixture.packageRoot.path)
        #expect(found.source.hasSuffix("config/courtesy.toml"))
    }

    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/etc/tact/courtesy.toml")))
    func builtInPackIsTheLastResort() throws {
        let found = try RulePack.locate(explicitFile: nil, currentDirectory: try self.emptyDirectory().path)
        #expect(found.source == "<default pack>")
        #expect(found.pack.rules.count == DefaultPackTests.specifiedIDs.count)
    }
}

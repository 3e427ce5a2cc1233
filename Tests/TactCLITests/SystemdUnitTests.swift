import Foundation
import TactTestSupport
import Testing

@Suite struct SystemdUnitTests {
    let unit = repositoryRoot.appendingPathComponent("systemd/tact.service").path

    @Test func theUnitIsHardenedToAnExposureOfTwoOrLess() throws {
        let analyze = try Command.locate(["/usr/bin/systemd-analyze", "/bin/systemd-analyze"], package: "systemd")
        let result = try Command.run(analyze, ["security", "--offline=true", "--no-pager", unit])
        let summary = try #require(result.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") })
        // "→ Overall exposure level for tact.service: 1.0 OK 🙂"
        let number = summary.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        let exposure = try #require(number, "cannot read the exposure from \(summary)")
        #expect(exposure <= 2.0, "\(summary)")
    }

    @Test func theUnitRunsAsANotifyServiceUnderItsOwnUser() throws {
        let text = try String(contentsOfFile: unit, encoding: .utf8)
        let settings = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for required in [
            "Type=notify", "User=tact", "Group=tact", "StateDirectory=tact", "StateDirectoryMode=0770",
            "ConfigurationDirectory=tact", "NoNewPrivileges=yes", "ProtectSystem=strict", "WatchdogSec=60s",
        ] {
            #expect(settings.contains(required), "missing \(required)")
        }
        #expect(!text.contains("Password="), "secrets belong in credentials, not the unit")
    }

    @Test func installSaysNothingOfTheSwiftRuntimeForABinaryThatDoesNotLoadIt() throws {
        // A stand-in for a --static-swift-stdlib build: a binary that needs no libswiftCore.so.
        let folder = try TemporaryDirectory(prefix: "tact-static")
        defer { folder.remove() }
        let binary = "\(folder.path)/tact"
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: binary)
        try FileManager.default.createDirectory(
            atPath: "\(folder.path)/Tact_Triage.resources", withIntermediateDirectories: false)
        let root = try TemporaryDirectory(prefix: "tact-install")
        defer { root.remove() }
        let script = repositoryRoot.appendingPathComponent("scripts/install").path
        let run = try Command.run("/bin/bash", [script, "--root", root.path, "--binary", binary])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("Installed"), "\(run.stdout)")
        #expect(!run.stdout.contains("Swift runtime"), "\(run.stdout)")
    }

    @Test func aFailedStaticBuildSaysHowToInstallAnywayAndInstallsNothing() throws {
        // A `swift` that fails as a toolchain without static libraries does.
        let tools = try TemporaryDirectory(prefix: "tact-fake-swift")
        defer { tools.remove() }
        let swift = "\(tools.path)/swift"
        try "#!/bin/sh\necho 'error: cannot find -lswiftCore' >&2\nexit 1\n".write(toFile: swift, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: swift)
        let root = try TemporaryDirectory(prefix: "tact-install")
        defer { root.remove() }
        let script = repositoryRoot.appendingPathComponent("scripts/install").path
        let path = "\(tools.path):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let run = try Command.run("/bin/bash", [script, "--root", root.path], environment: ["PATH": path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("--static-swift-stdlib") && run.stderr.contains("--binary"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(root.path)/usr/local/lib/tact/tact"))
    }

    @Test func installPutsBinaryModelUnitAndConfigurationInPlaceAndKeepsLocalEdits() throws {
        let root = try TemporaryDirectory(prefix: "tact-install")
        defer { root.remove() }
        let script = repositoryRoot.appendingPathComponent("scripts/install").path
        let first = try Command.run("/bin/bash", [script, "--root", root.path, "--binary", TactBinary.path])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        // The test build links the Swift runtime dynamically (the installer's own build does
        // not): the installer names the folder the service would then depend on.
        #expect(first.stdout.contains("loads the Swift runtime from"), "\(first.stdout)")
        #expect(first.stdout.contains("--static-swift-stdlib"))
        let r = root.path
        let files = FileManager.default
        #expect(files.isExecutableFile(atPath: "\(r)/usr/local/lib/tact/tact"))
        // The classifier's model must sit beside the binary, or an installed tact cannot start.
        let model = "\(r)/usr/local/lib/tact/Tact_Triage.resources/Model/model.json"
        #expect(files.contentsEqual(
            atPath: model,
            andPath: URL(fileURLWithPath: TactBinary.path).deletingLastPathComponent()
                .appendingPathComponent("Tact_Triage.resources/Model/model.json").path))
        #expect(try files.destinationOfSymbolicLink(atPath: "\(r)/usr/local/bin/tact") == "/usr/local/lib/tact/tact")
        for path in ["etc/tact/tact.toml", "etc/tact/courtesy.toml", "etc/tact/templates/complaint.mustache",
                     "etc/systemd/system/tact.service", "usr/lib/sysusers.d/tact.conf", "usr/local/share/doc/tact/README.md"] {
            #expect(files.fileExists(atPath: "\(r)/\(path)"), "missing \(path)")
        }
        // The configuration is not readable by others.
        let mode = try #require(try files.attributesOfItem(atPath: "\(r)/etc/tact/tact.toml")[.posixPermissions] as? Int)
        #expect(mode & 0o007 == 0, "tact.toml is mode \(String(mode, radix: 8))")
        // The installed binary runs and finds its templates and model.
        let classify = try Command.run(
            "\(r)/usr/local/lib/tact/tact",
            ["classify", repositoryRoot.appendingPathComponent("demo/mail/02-refund.eml").path])
        #expect(classify.status == 0, "\(classify.stderr)")
        #expect(classify.stdout.contains("refund"))
        // A second install keeps local edits.
        try "# edited by the support lead\n".write(toFile: "\(r)/etc/tact/tact.toml", atomically: true, encoding: .utf8)
        let second = try Command.run("/bin/bash", [script, "--root", root.path, "--binary", TactBinary.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("kept"))
        #expect(try String(contentsOfFile: "\(r)/etc/tact/tact.toml", encoding: .utf8) == "# edited by the support lead\n")
    }
}

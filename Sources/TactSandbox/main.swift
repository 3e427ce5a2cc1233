// tact-sandbox: a throwaway mail setup for the demo. Starts a Dovecot and an SMTP sink on
// loopback, delivers the sample mail, writes a tact.toml that points at them, and keeps both
// servers running until it is interrupted (Ctrl-C, SIGTERM) or its standard input closes.
//
// Usage: tact-sandbox DIR MAIL-DIR REPOSITORY
import Foundation
import TactTestSupport

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: tact-sandbox DIR MAIL-DIR REPOSITORY\n".utf8))
    exit(2)
}
let directory = arguments[1]
let mailDirectory = arguments[2]
let repository = arguments[3]

do {
    try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
    let dovecot = try Dovecot()
    let sink = try SMTPSink()
    let mails = try FileManager.default.contentsOfDirectory(atPath: mailDirectory).filter { $0.hasSuffix(".eml") }.sorted()
    for mail in mails {
        try dovecot.deliver(Array(try Data(contentsOf: URL(fileURLWithPath: mailDirectory + "/" + mail))))
    }
    try dovecot.password.write(toFile: directory + "/imap-password", atomically: true, encoding: .utf8)
    let config = """
        # Written by tact-sandbox for the demo: a throwaway Dovecot and SMTP sink on loopback.
        [smtp]
        host = "127.0.0.1"
        port = \(sink.port)
        security = "plain"

        [[mailbox]]
        name = "support"
        host = "127.0.0.1"
        port = \(dovecot.plainPort)
        security = "plain"
        user = "\(dovecot.user)"
        password_file = "\(directory)/imap-password"
        own_addresses = ["support@shop.example"]
        agent_name = "Marta Keller"
        team_name = "Shop Support"

        [drafting]
        templates_dir = "\(repository)/templates"
        rules_file = "\(repository)/config/courtesy.toml"
        time_zone = "Europe/London"

        [daemon]
        state_dir = "\(directory)/state"
        """
    try config.write(toFile: directory + "/tact.toml", atomically: true, encoding: .utf8)
    FileManager.default.createFile(atPath: directory + "/ready", contents: Data(
        "imap 127.0.0.1:\(dovecot.plainPort) smtp 127.0.0.1:\(sink.port) mails \(mails.count)\n".utf8))
    print("sandbox: Dovecot on 127.0.0.1:\(dovecot.plainPort), SMTP sink on 127.0.0.1:\(sink.port), \(mails.count) mails delivered")
    // Stop on SIGINT/SIGTERM or when standard input closes, and take the servers down.
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let stop = DispatchSemaphore(value: 0)
    let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
        let source = DispatchSource.makeSignalSource(signal: number)
        source.setEventHandler { stop.signal() }
        source.resume()
        return source
    }
    Thread.detachNewThread {
        _ = FileHandle.standardInput.readDataToEndOfFile()
        stop.signal()
    }
    stop.wait()
    _ = sources
    sink.stop()
    dovecot.tearDown()
    try? FileManager.default.removeItem(atPath: directory + "/ready")
    print("sandbox: stopped")
} catch {
    FileHandle.standardError.write(Data("tact-sandbox: \(error)\n".utf8))
    exit(1)
}

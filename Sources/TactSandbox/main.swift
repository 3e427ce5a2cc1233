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
    try writeTactConfiguration(in: directory + "/state", dovecot: dovecot, sink: sink, repository: repository)
    try FileManager.default.moveItem(atPath: directory + "/state/tact.toml", toPath: directory + "/tact.toml")
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

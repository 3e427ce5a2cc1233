import Testing

@testable import Daemon

@Suite struct EventLogTests {
    @Test func oneLinePerEventWithAPriorityPrefixAndQuotedValues() {
        let lines = LinesBox()
        let log = EventLog(minimum: .info) { lines.append($0) }
        log.log(.error, "mailbox-failed", ["mailbox": "support", "error": "connection refused\r\n<3>forged", "retry": nil])
        log.log(.debug, "noise")
        log.log(.info, "message", ["message-id": "<a\"b@x>", "empty": ""])
        #expect(lines.all == [
            "<3>mailbox-failed mailbox=support error=\"connection refused  <3>forged\"\n",
            "<6>message message-id=\"<a\\\"b@x>\" empty=\"\"\n",
        ])
    }
}

final class LinesBox: @unchecked Sendable {
    private var lines: [String] = []
    func append(_ line: String) { self.lines.append(line) }
    var all: [String] { self.lines }
}

import Foundation

/// Customer mail made up for tests and the crash-anywhere run: each index a distinct sender and
/// Message-ID, one of four everyday requests, so a backlog of them is drafted, not rate-limited.
public enum SampleMail {
    /// Message `index` (LF line ends, as maildir files hold them), sent from `<tag><index>@mail.example` with Message-ID `<tag-index@mail.example>`.
    public static func customer(_ index: Int, date: String, tag: String = "bulk") -> [UInt8] {
        let topics = [
            ("Refund for order #\(10000 + index)", "I returned the blender last week and would like my refund, please."),
            ("Where is my parcel?", "My order \(20000 + index) has not arrived yet. Can you tell me where it is?"),
            ("Invoice question", "The invoice for last month shows a charge twice. Could you check it?"),
            ("App keeps crashing", "Since the update the app crashes when I open my basket."),
        ]
        let (subject, body) = topics[index % topics.count]
        return Array(
            """
            From: Customer \(index) <\(tag)\(index)@mail.example>
            To: support@shop.example
            Subject: \(subject)
            Date: \(date)
            Message-ID: <\(tag)-\(index)@mail.example>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            
            Hello,
            
            \(body)
            
            Thanks,
            Customer \(index)

            """.utf8)
    }

    /// `date` as a Date header writes it.
    public static func dateHeader(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}

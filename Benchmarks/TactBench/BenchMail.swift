import Foundation

/// Varied, deterministic customer mail for the end-to-end benchmarks, made from the 481 messages
/// of `corpus/` (eight categories, many writing styles): message `i` depends only on `i`, the
/// size and the corpus, so it can be generated on demand (nothing held in memory) and every run
/// measures the same mail.
///
/// Out of every 100 messages: 4 auto-replies, 2 bounces (multipart/report), 2 newsletters (bulk
/// mail with List-Unsubscribe), 5 follow-ups in an earlier message's thread (same sender,
/// In-Reply-To), 3 from a sender who wrote 101 messages earlier (the per-sender window), and
/// 84 new customer mails from distinct senders. Every 5th customer mail carries an attachment
/// (base64, a quarter of the size) in multipart/mixed; bodies are padded to the size with
/// paragraphs from other corpus mails of the same category. With `webmail`, customer mail is
/// multipart/alternative (text and HTML), as most clients send it.
struct BenchMail: Sendable {
    struct Example: Sendable {
        let category: String
        let fromName: String?
        let fromAddress: String
        let subject: String
        let body: String
    }

    let examples: [Example]
    let byCategory: [String: [Int]]
    /// Approximate size of each message in bytes (LF line ends).
    let size: Int
    /// Customer mail as webmail and phone clients send it: multipart/alternative, the text twice
    /// (text/plain and text/html, each about half of the text budget); otherwise single-part
    /// text/plain (the default, which every earlier figure in BENCHMARKS.md used).
    let webmail: Bool

    init(size: Int, webmail: Bool = false) throws {
        self.size = size
        self.webmail = webmail
        let root = URL(fileURLWithPath: repositoryRoot).appendingPathComponent("corpus")
        var files: [String] = []
        for split in ["train", "heldout"] {
            let splitPath = root.appendingPathComponent(split).path
            for category in try FileManager.default.contentsOfDirectory(atPath: splitPath).sorted() {
                for name in try FileManager.default.contentsOfDirectory(atPath: "\(splitPath)/\(category)").sorted()
                where name.hasSuffix(".eml") {
                    files.append("\(split)/\(category)/\(name)")
                }
            }
        }
        guard !files.isEmpty else { throw BenchError("no .eml files under \(root.path): the corpus is missing") }
        var examples: [Example] = []
        for file in files {
            let text = try String(contentsOfFile: root.appendingPathComponent(file).path, encoding: .utf8)
            guard let split = text.range(of: "\n\n") else { continue }
            var from = "", subject = ""
            for line in text[..<split.lowerBound].split(separator: "\n") {
                if line.hasPrefix("From: ") { from = String(line.dropFirst(6)) }
                if line.hasPrefix("Subject: ") { subject = String(line.dropFirst(9)) }
            }
            var name: String?
            var address = from
            if let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">") {
                address = String(from[from.index(after: open)..<close])
                let display = from[..<open].trimmingCharacters(in: .whitespaces)
                name = display.isEmpty ? nil : display
            }
            examples.append(Example(
                category: file.split(separator: "/")[1].description, fromName: name, fromAddress: address,
                subject: subject, body: String(text[split.upperBound...])))
        }
        self.examples = examples
        self.byCategory = Dictionary(grouping: examples.indices, by: { examples[$0].category })
    }

    enum Kind { case customer, followUp, repeatSender, autoReply, bounce, newsletter }

    static func kind(_ i: Int) -> Kind {
        switch i % 100 {
        case 0..<4: return .autoReply
        case 4..<6: return .bounce
        case 6..<8: return .newsletter
        case 8..<13: return i >= 37 ? .followUp : .customer
        case 13..<16: return i >= 101 ? .repeatSender : .customer
        default: return .customer
        }
    }

    static func hasAttachment(_ i: Int) -> Bool { Self.kind(i) == .customer && i % 5 == 0 }

    func messageID(_ i: Int) -> String { "<bench.\(i).\(self.size)@mail.example.net>" }

    /// The distinct sender of customer message `i`: the corpus name, a numbered address.
    func sender(_ i: Int) -> (header: String, address: String) {
        let example = self.examples[i % self.examples.count]
        let at = example.fromAddress.firstIndex(of: "@") ?? example.fromAddress.endIndex
        let address = "\(example.fromAddress[..<at]).\(i)\(example.fromAddress[at...])"
        return (example.fromName.map { "\($0) <\(address)>" } ?? address, address)
    }

    /// A date in the days before the run (after the benchmark's backfill date, 2026-11-01).
    static func date(_ i: Int) -> String {
        // (The formatter is made per call: this runs while loading the mailbox, not while measuring.)
        let date = Date(timeIntervalSince1970: 1_795_132_800 + Double(i) * 7)  // 2026-11-20 on, 7 s apart
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// Message `i` as bytes with LF line ends.
    func message(_ i: Int) -> [UInt8] {
        var head = "Date: \(Self.date(i))\nMessage-ID: \(self.messageID(i))\nMIME-Version: 1.0\nTo: support@shop.example\n"
        let example = self.examples[(i &* 7919) % self.examples.count]
        switch Self.kind(i) {
        case .autoReply:
            let sender = self.sender(i)
            head += "From: \(sender.header)\nSubject: Automatic reply: \(example.subject)\nAuto-Submitted: auto-replied\n"
            return Array((head + "Content-Type: text/plain; charset=utf-8\n\n"
                + "I am out of the office until Monday with limited access to e-mail.\n"
                + "For urgent matters please call the front desk.\n").utf8)
        case .bounce:
            head += "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nSubject: Undelivered Mail Returned to Sender\n"
            head += "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\(i)\"\n\n"
            let failed = self.sender(i &+ 1).address
            let body = """
                --b\(i)
                Content-Type: text/plain; charset=us-ascii

                This is the mail system at host mx.example.net. Your message could not be delivered.

                <\(failed)>: host mx.example.org said: 550 5.1.1 User unknown

                --b\(i)
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.net

                Final-Recipient: rfc822; \(failed)
                Action: failed
                Status: 5.1.1

                --b\(i)--

                """
            return Array((head + body).utf8)
        case .newsletter:
            head += "From: Deals Weekly <news@deals.example.com>\nSubject: This week's offers, \(i)\n"
            head += "List-Unsubscribe: <mailto:unsubscribe@deals.example.com>\nPrecedence: bulk\n"
            head += "Content-Type: text/plain; charset=utf-8\n\n"
            return Array((head + self.padded("", category: example.category, toward: self.size - head.utf8.count, salt: i)).utf8)
        case .followUp, .repeatSender, .customer:
            let kind = Self.kind(i)
            let earlier = kind == .followUp ? i - 37 : (kind == .repeatSender ? i - 101 : i)
            let sender = self.sender(earlier)
            head += "From: \(sender.header)\n"
            if kind == .followUp {
                head += "Subject: Re: \(self.examples[(earlier &* 7919) % self.examples.count].subject)\n"
                head += "In-Reply-To: \(self.messageID(earlier))\nReferences: \(self.messageID(earlier))\n"
            } else {
                head += "Subject: \(example.subject)\n"
            }
            let attach = Self.hasAttachment(i)
            let textBudget = self.size - head.utf8.count - (attach ? self.size / 4 + 300 : 60)
            let text: String
            let textPart: String
            if self.webmail {
                // The same words twice, as text and as HTML paragraphs (roughly the same size).
                text = self.padded(example.body, category: example.category, toward: (textBudget - 260) / 2, salt: i)
                let html = "<div dir=\"ltr\">" + text.components(separatedBy: "\n\n").map { paragraph in
                    "<p>" + paragraph.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\n", with: "<br>\n") + "</p>"
                }.joined(separator: "\n") + "</div>"
                textPart = "Content-Type: multipart/alternative; boundary=\"a\(i)\"\n\n"
                    + "--a\(i)\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\(text)\n"
                    + "--a\(i)\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\(html)\n--a\(i)--\n"
            } else {
                text = self.padded(example.body, category: example.category, toward: textBudget, salt: i)
                textPart = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\(text)\n"
            }
            guard attach else {
                if self.webmail { return Array((head + textPart).utf8) }
                return Array((head + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text).utf8)
            }
            var payload = [UInt8](repeating: 0, count: self.size / 4 * 3 / 4)
            var state = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 | 1
            for index in payload.indices {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                payload[index] = UInt8(truncatingIfNeeded: state)
            }
            let encoded = Data(payload).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
            head += "Content-Type: multipart/mixed; boundary=\"m\(i)\"\n\n"
            let body = "--m\(i)\n\(textPart)"
                + "--m\(i)\nContent-Type: application/pdf; name=\"receipt-\(i).pdf\"\n"
                + "Content-Disposition: attachment; filename=\"receipt-\(i).pdf\"\nContent-Transfer-Encoding: base64\n\n"
                + encoded + "\n--m\(i)--\n"
            return Array((head + body).utf8)
        }
    }

    /// `text` followed by paragraphs of other mails of the same category, about `budget` bytes.
    private func padded(_ text: String, category: String, toward budget: Int, salt: Int) -> String {
        var result = text
        let others = self.byCategory[category] ?? Array(self.examples.indices)
        var pick = salt
        while result.utf8.count < budget {
            pick = pick &* 31 &+ 17
            let other = self.examples[others[abs(pick) % others.count]].body
            // Only the customer's own words of the other mail (no quoted history or signature).
            let own = other.components(separatedBy: "\n\n").prefix(2).joined(separator: "\n\n")
                .split(separator: "\n").filter { !$0.hasPrefix(">") && !$0.hasPrefix("On ") && $0 != "--" }
                .joined(separator: "\n")
            result += (result.isEmpty ? "" : "\n\n") + own
        }
        return result + "\n"
    }
}

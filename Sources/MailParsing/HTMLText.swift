import CXML2
import Foundation

/// HTML-only mail as readable text, through libxml2's forgiving HTML parser (GMime has no
/// HTML-to-text). Paragraphs become blank-line separated, `<br>` a line break, list items
/// `- ` lines, and `<blockquote>` content `> ` lines so quoted history is recognised like in
/// plain-text mail.
public enum HTMLText {
    /// Element names whose content is never text a person reads.
    private static let skipped: Set<String> = ["script", "style", "head", "title", "template", "noscript", "svg"]
    /// Blocks separated from their neighbours by a blank line.
    private static let paragraphs: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "hr", "dl", "address", "blockquote",
    ]
    /// Blocks that start on a new line.
    private static let lines: Set<String> = [
        "div", "li", "tr", "dt", "dd", "section", "article", "header", "footer", "center", "form", "body",
    ]
    /// Beyond this element depth the structure is ignored: hostile HTML must not recurse forever.
    private static let maxDepth = 200
    /// Blockquote levels rendered as `> ` prefixes.
    private static let maxQuoteDepth = 8

    /// Converts an HTML document (already UTF-8) to text.
    public static func render(_ html: String) -> String {
        var utf8 = Array(html.utf8)
        guard !utf8.isEmpty, utf8.count < Int(Int32.max) else { return "" }
        utf8.append(0)
        let document = utf8.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(buffer.count - 1), nil, "UTF-8", tact_xml_html_mail_options())
            }
        }
        guard let document else { return "" }
        defer { xmlFreeDoc(document) }
        var builder = TextBuilder()
        if let root = xmlDocGetRootElement(document) {
            Self.render(root, into: &builder, depth: 0, preformatted: false, quoteDepth: 0)
        }
        return builder.finish()
    }

    private static func render(
        _ first: UnsafeMutablePointer<xmlNode>, into builder: inout TextBuilder, depth: Int, preformatted: Bool,
        quoteDepth: Int
    ) {
        var cursor: UnsafeMutablePointer<xmlNode>? = first
        while let node = cursor {
            defer { cursor = node.pointee.next }
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content {
                    builder.text(String(cString: content), preformatted: preformatted)
                }
            case XML_ELEMENT_NODE:
                Self.renderElement(
                    node, into: &builder, depth: depth, preformatted: preformatted, quoteDepth: quoteDepth)
            default:
                continue
            }
            if depth == 0 { break }  // the root element only; its siblings are rendered by the caller
        }
    }

    private static func renderElement(
        _ node: UnsafeMutablePointer<xmlNode>, into builder: inout TextBuilder, depth: Int, preformatted: Bool,
        quoteDepth: Int
    ) {
        let name = node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
        if Self.skipped.contains(name) { return }
        if name == "br" {
            builder.lineBreak()
            return
        }
        guard let children = node.pointee.children else {
            if name == "hr" { builder.block(2) }
            return
        }
        if depth >= Self.maxDepth {
            // Too deep to walk safely: keep the words, drop the layout.
            if let content = xmlNodeGetContent(node) {
                builder.text(String(cString: content), preformatted: false)
                tact_xml_free(content)
            }
            return
        }
        // Each quote level re-prefixes every line inside it; past a few levels (real threads
        // rarely nest deeper) blockquotes are plain blocks, so hostile nesting stays linear.
        if name == "blockquote", quoteDepth < Self.maxQuoteDepth {
            var inner = TextBuilder()
            Self.render(
                children, into: &inner, depth: depth + 1, preformatted: preformatted, quoteDepth: quoteDepth + 1)
            let quoted = inner.finish().split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                .map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n")
            builder.block(2)
            builder.raw(quoted)
            builder.block(2)
            return
        }
        let breaks = Self.paragraphs.contains(name) ? 2 : (Self.lines.contains(name) ? 1 : 0)
        if breaks > 0 { builder.block(breaks) }
        if name == "li" { builder.raw("- ") }
        Self.render(
            children, into: &builder, depth: depth + 1, preformatted: preformatted || name == "pre",
            quoteDepth: quoteDepth)
        if breaks > 0 { builder.block(breaks) }
    }
}

/// Accumulates text with collapsed whitespace and pending line breaks, so nested blocks never
/// produce runs of empty lines.
private struct TextBuilder {
    private var output = ""
    private var pendingBreaks = 0
    private var pendingSpace = false

    /// Requests `count` line ends (1: new line, 2: blank line) before the next text.
    mutating func block(_ count: Int) {
        self.pendingBreaks = max(self.pendingBreaks, count)
        self.pendingSpace = false
    }

    /// A `<br>`: breaks add up, so `<br><br>` leaves a blank line.
    mutating func lineBreak() {
        self.pendingBreaks = min(self.pendingBreaks + 1, 2)
        self.pendingSpace = false
        if self.output.isEmpty { self.pendingBreaks = 0 }
    }

    mutating func text(_ text: String, preformatted: Bool) {
        if preformatted {
            self.raw(text)
            return
        }
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard !words.isEmpty else {
            if !text.isEmpty { self.pendingSpace = true }
            return
        }
        let leadingSpace = text.first?.isWhitespace ?? false
        if self.pendingBreaks == 0, (self.pendingSpace || leadingSpace), let last = self.output.last,
            !last.isWhitespace
        {
            self.output.append(" ")
        }
        self.raw(words.joined(separator: " "))
        self.pendingSpace = text.last?.isWhitespace ?? false
    }

    mutating func raw(_ text: String) {
        guard !text.isEmpty else { return }
        if self.pendingBreaks > 0, !self.output.isEmpty {
            while self.output.last == " " { self.output.removeLast() }
            self.output.append(String(repeating: "\n", count: self.pendingBreaks))
        }
        self.pendingBreaks = 0
        self.output.append(text)
    }

    func finish() -> String {
        self.output.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { line in
                var line = Substring(line)
                while line.last == " " { line.removeLast() }
                return String(line)
            }
            .joined(separator: "\n").trimmingScalars(ScalarClass.whitespaceOrNewline)
    }
}

/// One word of a draft, or a break (sentence end, blank line, scope change) that no phrase may
/// span. Positions are byte offsets into the draft's UTF-8, so nothing is copied per word.
struct Token {
    /// The word's id in the rule pack's vocabulary; `unknown` when no phrase uses it, `breakMark`
    /// for a break.
    var id: Int32
    var line: Int32
    var start: Int32
    var end: Int32
    var scope: UInt8
    /// All letters are ASCII capitals (apostrophes allowed), for the `capitals` kind.
    var isCapitals: Bool

    static let unknown: Int32 = -1
    static let breakMark: Int32 = -2
    var isBreak: Bool { self.id == Self.breakMark }
}

/// Splits text into normalised words: lowercase, typographic apostrophes (’ ‘ ʼ) read as ', a
/// word is letters and digits with apostrophes inside it, and a `%` straight after digits
/// belongs to the word ("100%"). Hyphens and other punctuation separate words; `.`, `!`, `?`,
/// `;`, `:` and `…` also end a phrase (except between digits, as in 3.5 or 10:30).
enum Tokenizer {
    enum ByteClass { case word, apostrophe, stop, space }

    /// The class of the character starting at `index` and its length in bytes.
    @inline(__always)
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int) -> (ByteClass, Int) {
        let byte = bytes[index]
        if byte < 0x80 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                return (.word, 1)
            case UInt8(ascii: "'"): return (.apostrophe, 1)
            case UInt8(ascii: "."), UInt8(ascii: ":"):
                // A decimal point or a time is not the end of a sentence.
                let digitBefore = index > 0 && isDigit(bytes[index - 1])
                let digitAfter = index + 1 < end && isDigit(bytes[index + 1])
                return (digitBefore && digitAfter ? .space : .stop, 1)
            case UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ";"): return (.stop, 1)
            default: return (.space, 1)
            }
        }
        let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
        guard index + length <= end else { return (.space, 1) }
        switch byte {
        case 0xE2:
            let second = bytes[index + 1]
            let third = bytes[index + 2]
            if second == 0x80 && (third == 0x98 || third == 0x99) { return (.apostrophe, 3) }
            if second == 0x80 && third == 0xA6 { return (.stop, 3) }
            return (.space, 3)  // general punctuation, dashes, quotes, arrows, symbols
        case 0xCA where bytes[index + 1] == 0xBC: return (.apostrophe, 2)
        case 0xC2: return (.space, 2)  // Latin-1 punctuation and the no-break space
        case 0xC3 where bytes[index + 1] == 0x97 || bytes[index + 1] == 0xB7: return (.space, 2)  // × ÷
        case 0xE3 where bytes[index + 1] == 0x80: return (.space, 3)  // CJK punctuation
        case 0xEF where bytes[index + 1] == 0xBB || bytes[index + 1] == 0xBC: return (.space, 3)  // BOM, fullwidth
        case 0xF0...: return (.space, length)  // emoji and other symbols
        case 0x80..<0xC0: return (.space, 1)  // a stray continuation byte
        default: return (.word, length)
        }
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Visits each word of `bytes[range]`: its byte range, its normalised text, whether it is
    /// all capitals; and each break.
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, keepCase: Bool = false,
        word: (_ start: Int, _ end: Int, _ normalised: String, _ capitals: Bool) -> Void,
        stop: () -> Void
    ) {
        self.scanBytes(
            bytes, range, keepCase: keepCase,
            word: { start, end, normalised, ascii, capitals in
                var text = String(decoding: normalised, as: UTF8.self)
                if !ascii && !keepCase { text = text.lowercased() }
                word(start, end, text, capitals)
            }, stop: stop)
    }

    /// Like `scan`, but hands over the normalised word as bytes (lowercased only where ASCII,
    /// so `ascii == false` words still need `lowercased()`): the linter's hot path looks ASCII
    /// words up without making a String.
    static func scanBytes(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, keepCase: Bool = false,
        word: (_ start: Int, _ end: Int, _ normalised: UnsafeBufferPointer<UInt8>, _ ascii: Bool, _ capitals: Bool)
            -> Void,
        stop: () -> Void
    ) {
        var index = range.lowerBound
        let end = range.upperBound
        // A normalised word is never longer than its bytes, so one scratch buffer the size of the
        // range holds any word; writing into it directly skips the uniqueness and capacity checks
        // an array append makes for every byte. It is a temporary allocation, on the stack for
        // short lines, not a heap block for every line of every draft.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, range.count)) { temporary in
            let scratch = temporary.baseAddress!
            var count = 0
            while index < end {
                let (kind, length) = classify(bytes, index, end)
                if kind == .stop { stop() }
                guard kind == .word else {
                    index += length
                    continue
                }
                let start = index
                count = 0
                var upper = 0
                var lower = 0
                var ascii = true
                var lastDigit = false
                while index < end {
                    let (kind, length) = classify(bytes, index, end)
                    if kind == .word {
                        let byte = bytes[index]
                        if length == 1 {
                            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                                scratch[count] = keepCase ? byte : byte | 0x20
                                count += 1
                                upper += 1
                            } else {
                                if byte >= UInt8(ascii: "a") { lower += 1 }
                                scratch[count] = byte
                                count += 1
                            }
                            lastDigit = isDigit(byte)
                        } else {
                            ascii = false
                            lower += 1
                            for offset in 0..<length { scratch[count + offset] = bytes[index + offset] }
                            count += length
                            lastDigit = false
                        }
                        index += length
                    } else if kind == .apostrophe {
                        // Inside a word only: a letter must follow.
                        let next = index + length
                        guard next < end, classify(bytes, next, end).0 == .word else { break }
                        scratch[count] = UInt8(ascii: "'")
                        count += 1
                        index = next
                    } else if lastDigit && bytes[index] == UInt8(ascii: "%") {
                        scratch[count] = UInt8(ascii: "%")
                        count += 1
                        index += 1
                        break
                    } else {
                        break
                    }
                }
                let capitals = ascii && upper >= 1 && lower == 0
                word(start, index, UnsafeBufferPointer(start: scratch, count: count), ascii, capitals)
            }
        }
    }

    /// The normalised words of a phrase written in a rule pack.
    static func words(_ text: String, keepCase: Bool = false) -> [String] {
        var result: [String] = []
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            scan(
                buffer, 0..<buffer.count, keepCase: keepCase,
                word: { _, _, normalised, _ in result.append(normalised) }, stop: {})
        }
        return result
    }
}

/// A phrase from a rule pack: a sequence of word positions, each one word or alternatives
/// written `a|b|c` ("you should have read|checked").
struct PhrasePattern {
    var positions: [[String]]

    init(_ phrase: String, keepCase: Bool = false) {
        self.positions = []
        for chunk in phrase.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if chunk.contains("|") {
                let options = chunk.split(separator: "|").compactMap {
                    Tokenizer.words(String($0), keepCase: keepCase).first
                }
                if !options.isEmpty { self.positions.append(options) }
            } else {
                for word in Tokenizer.words(String(chunk), keepCase: keepCase) { self.positions.append([word]) }
            }
        }
    }
}

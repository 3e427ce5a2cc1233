extension Signals {
    /// Short, frequent words that are distinctive for each language (words shared between
    /// languages, like "de" or "la", are left out so they cannot tip the balance).
    static let languageMarkers: [(code: String, words: Set<String>)] = [
        ("en", [
            "the", "and", "is", "are", "you", "my", "i", "to", "of", "it", "that", "this", "have", "was", "for",
            "with", "not", "your", "please", "thanks", "would", "can", "what", "where", "when", "hi", "hello",
            "dear", "order", "just", "but", "will", "be", "me", "we", "been", "has", "get", "did", "any", "do",
        ]),
        ("de", [
            "der", "die", "das", "und", "ist", "ich", "nicht", "mit", "sie", "bitte", "ein", "eine", "mein",
            "meine", "wir", "haben", "danke", "für", "auf", "zu", "ihr", "ihre", "hallo", "bestellung", "noch",
            "habe", "wurde", "dass", "aber", "sehr", "geehrte", "grüße", "vielen",
        ]),
        ("fr", [
            "le", "les", "et", "est", "je", "vous", "pas", "une", "des", "mon", "pour", "avec", "merci", "bonjour",
            "qui", "dans", "sur", "commande", "ai", "suis", "votre", "cordialement", "au", "du", "ne", "ce",
        ]),
        ("es", [
            "el", "los", "las", "y", "por", "mi", "con", "gracias", "hola", "pedido", "está", "estoy", "muy",
            "pero", "tengo", "su", "lo", "del", "al", "saludos", "señor", "cuando", "ya", "usted",
        ]),
        ("it", [
            "il", "di", "che", "non", "per", "mio", "sono", "grazie", "ciao", "buongiorno", "ordine", "ho", "ma",
            "della", "gli", "è", "questo", "mia", "cordiali", "saluti",
        ]),
        ("nl", [
            "het", "een", "ik", "niet", "mijn", "met", "voor", "van", "bedankt", "dank", "graag", "hallo", "wij",
            "bestelling", "heb", "maar", "nog", "zijn", "groeten", "uw", "wel",
        ]),
        ("pt", [
            "os", "não", "obrigado", "obrigada", "meu", "minha", "você", "com", "uma", "olá", "pedido", "muito",
            "mas", "estou", "tenho", "seu", "sua", "boa", "atenciosamente",
        ]),
    ]

    /// Writing systems that name their language on their own.
    static func scriptLanguage(of scalar: Unicode.Scalar) -> String? { scriptLanguage(of: scalar.value) }

    static func scriptLanguage(of value: UInt32) -> String? {
        switch value {
        case 0x0400...0x04FF: return "ru"
        case 0x0370...0x03FF: return "el"
        case 0x0590...0x05FF: return "he"
        case 0x0600...0x06FF: return "ar"
        case 0x0900...0x097F: return "hi"
        case 0x0E00...0x0E7F: return "th"
        case 0x3040...0x30FF: return "ja"
        case 0xAC00...0xD7AF, 0x1100...0x11FF: return "ko"
        case 0x4E00...0x9FFF: return "zh"
        default: return nil
        }
    }

    /// Marker word hash → bit set of the languages (indices into `languageMarkers`) it marks.
    static let markerBitsByWord: [UInt64: Int32] = {
        var bits: [UInt64: Int32] = [:]
        for (index, language) in languageMarkers.enumerated() {
            for word in language.words {
                for hash in ClassifierTokenizer.wordHashes(word) { bits[hash, default: 0] |= Int32(1 << index) }
            }
        }
        return bits
    }()

    /// The language of the text as an ISO 639-1 code. Non-Latin scripts decide by themselves
    /// (kana makes Chinese characters Japanese); Latin text goes by its most frequent marker
    /// words. Too little text to tell counts as English, the language of the shipped templates,
    /// so a bare "Thanks!" is not made uncertain.
    static func language(of text: String) -> String {
        language(of: text, words: ClassifierTokenizer.wordHashes(text))
    }

    /// `words` are the word hashes of `text` (sentence breaks are ignored).
    static func language(of text: String, words: [UInt64]) -> String {
        language(of: text, words: words, info: signalWords.lookUp(words))
    }

    /// `info` holds each word's `SignalWords` entry, looked up once for all the signals.
    static func language(of text: String, words: [UInt64], info: WordInfo) -> String {
        let (ascii, latin, scripts) = scriptCounts(text)
        let nonLatin = scripts.values.reduce(0, +)
        if !ascii, nonLatin > latin {
            if scripts["ja", default: 0] > 0 { return "ja" }
            return scripts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key
        }
        var hits = [Int](repeating: 0, count: languageMarkers.count)
        let entries = signalWords.entries
        for position in info.known where info.entry[position] >= 0 {
            var bits = entries[Int(info.entry[position])].languages
            while bits != 0 {
                hits[bits.trailingZeroBitCount] += 1
                bits &= bits - 1
            }
        }
        guard let best = hits.indices.max(by: { hits[$0] != hits[$1] ? hits[$0] < hits[$1] : $0 > $1 }),
            hits[best] >= 2, hits[best] > hits[0]
        else { return "en" }
        return languageMarkers[best].code
    }

    /// Whether `text` is pure ASCII, how many of its letters are Latin, and how many scalars of
    /// each script that names its language it has. One pass over the UTF-8 bytes, decoding only
    /// the non-ASCII scalars (iterating `unicodeScalars` was most of the language check).
    static func scriptCounts(_ text: String) -> (ascii: Bool, latin: Int, scripts: [String: Int]) {
        var ascii = true
        var latin = 0
        var scripts: [String: Int] = [:]
        var copy = text
        copy.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var index = 0
            while index < bytes.count {
                // Eight ASCII bytes at a time (most of every mail): their letters counted at once.
                if index + 8 <= bytes.count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                    if word & 0x8080_8080_8080_8080 == 0 {
                        latin += ByteWords.asciiBytes(in: word | 0x2020_2020_2020_2020, from: 0x61, through: 0x7A)
                            .nonzeroBitCount
                        index += 8
                        continue
                    }
                }
                let lead = bytes[index]
                if lead < 0x80 {
                    if (lead | 0x20) >= 0x61 && (lead | 0x20) <= 0x7A { latin += 1 }
                    index += 1
                    continue
                }
                ascii = false
                // A String's bytes are valid UTF-8: the lead byte says how many follow.
                let length = lead < 0xE0 ? 2 : (lead < 0xF0 ? 3 : 4)
                var value = UInt32(lead) & (length == 2 ? 0x1F : (length == 3 ? 0x0F : 0x07))
                for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
                index += length
                if let code = scriptLanguage(of: value) {
                    scripts[code, default: 0] += 1
                } else if value < 0x250 {
                    latin += 1
                }
            }
        }
        return (ascii, latin, scripts)
    }
}

/// Tests on eight bytes at once ("SWAR"), for the byte scans of long mail.
enum ByteWords {
    /// The high bit of each byte of `word` between `low` and `high` (both included; `low` at
    /// least 1 and `high` under 0x80), no other bit: every byte is compared at once, without
    /// carries between bytes, and bytes of 0x80 and over never match.
    @inline(__always)
    static func asciiBytes(in word: UInt64, from low: UInt8, through high: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7 = word & (ones &* 0x7F)
        // Per byte b (its low seven bits): 127 + high + 1 - b has its top bit when b <= high, and
        // b + 127 - (low - 1) when b >= low; neither sum leaves its byte.
        let belowTop = (ones &* (127 + UInt64(high) + 1)) &- low7
        let aboveBottom = low7 &+ ones &* (127 - (UInt64(low) - 1))
        return belowTop & ~word & aboveBottom & (ones &* 0x80)
    }
}

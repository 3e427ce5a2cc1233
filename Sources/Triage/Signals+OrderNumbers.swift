extension Signals {
    /// Words that introduce a reference ("order 4471-22", "ref AB-9921", "invoice no. 123").
    static let referenceWords: Set<String> = [
        "order", "ref", "reference", "invoice", "inv", "ticket", "case", "confirmation", "tracking", "booking",
        "receipt", "transaction", "account", "rma", "po", "parcel", "shipment", "claim", "return", "reservation",
        "customer", "membership", "policy",
    ]

    /// Words allowed between the reference word and the identifier ("order number is 123").
    /// Bare punctuation ("#", ":", "-") reads as the empty word.
    static let referenceConnectors: Set<String> = ["no", "number", "nr", "num", "id", "code", "is", ""]

    /// Order and reference numbers: an identifier of three or more letters, digits, "-" or "/"
    /// with at least one digit, written after "#" or after a reference word; without the "#",
    /// each once, in order of appearance. A scan over whitespace-separated chunks rather than a
    /// regular expression, which costs a hundred times more per message on Linux.
    static func orderNumbers(in text: String) -> [String] {
        let chunks = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        var found: [String] = []
        func add(_ chunk: Substring) {
            var candidate = chunk.drop(while: { $0 == "#" || $0 == ":" })
            while let last = candidate.last, !(last.isASCII && (last.isLetter || last.isNumber)) {
                candidate = candidate.dropLast()
            }
            guard candidate.count >= 3, let first = candidate.first, first.isASCII,
                first.isLetter || first.isNumber,
                candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "/") }),
                candidate.contains(where: \.isNumber)
            else { return }
            let identifier = String(candidate)
            if !found.contains(identifier) { found.append(identifier) }
        }
        var index = 0
        while index < chunks.count {
            let chunk = chunks[index].drop(while: { "([{\"'".contains($0) })
            if chunk.hasPrefix("#") {
                add(chunk)
            } else {
                // "order#123" and "ref:AB-1" carry the identifier in the same chunk.
                let split = chunk.firstIndex(where: { $0 == "#" || $0 == ":" })
                let head = split.map { chunk[..<$0] } ?? chunk
                var word = head.lowercased()
                while let last = word.last, !last.isLetter { word.removeLast() }
                let singular = word.hasSuffix("s") ? String(word.dropLast()) : word
                if referenceWords.contains(word) || referenceWords.contains(singular) {
                    if let split, chunk.index(after: split) < chunk.endIndex {
                        add(chunk[chunk.index(after: split)...])
                    } else {
                        var next = index + 1
                        while next < chunks.count, next <= index + 3,
                            referenceConnectors.contains(String(chunks[next].lowercased().filter(\.isLetter)))
                                && !chunks[next].contains(where: \.isNumber)
                        {
                            next += 1
                        }
                        if next < chunks.count { add(chunks[next]) }
                    }
                }
            }
            index += 1
        }
        return found
    }
}

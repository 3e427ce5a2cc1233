import HashTables

/// Word and phrase look-ups on word hashes, so signals read a 2 KB mail in microseconds:
/// comparing `String`s phrase by phrase at every word costs milliseconds.
struct WordSet: Sendable {
    private let table: HashTable

    init(_ words: Set<String>) {
        table = HashTable(words.sorted().enumerated().map { (ClassifierTokenizer.normalizedWordHash($1), Int32($0)) })
    }

    @inline(__always)
    func contains(_ word: UInt64) -> Bool { table.row(word) != nil }
}

/// A list of phrases, each with a value, found by their first word.
struct PhraseMatcher: Sendable {
    /// Each phrase as word hashes.
    let phrases: [[UInt64]]
    let values: [Double]
    private let starts: HashTable
    private let lists: [[Int]]

    init(_ entries: [(phrase: String, value: Double)]) {
        phrases = entries.map { ClassifierTokenizer.wordHashes($0.phrase) }
        values = entries.map(\.value)
        var byFirst: [UInt64: [Int]] = [:]
        for (index, words) in phrases.enumerated() where !words.isEmpty {
            byFirst[words[0], default: []].append(index)
        }
        let keys = byFirst.keys.sorted()
        lists = keys.map { byFirst[$0]! }
        starts = HashTable(keys.enumerated().map { ($1, Int32($0)) })
    }

    init(_ phrases: [String]) { self.init(phrases.map { ($0, 1.0) }) }

    /// The phrases (a list index) that start with `word`, if any.
    func startList(_ word: UInt64) -> Int32? { starts.row(word) }

    /// Calls `body` with the phrase index and the position of every phrase found in `words` that
    /// starts at one of `positions` (the signals pass the words that have a `SignalWords` entry:
    /// most words of a mail have none). `startList` is each position's start list, already looked
    /// up (`SignalWords`).
    @inline(__always)
    func forEachMatch(
        in words: [UInt64], at positions: [Int], startList: (_ position: Int) -> Int32?,
        _ body: (_ phrase: Int, _ position: Int) -> Void
    ) {
        for position in positions {
            guard let list = startList(position) else { continue }
            for phrase in lists[Int(list)] {
                let candidate = phrases[phrase]
                guard position + candidate.count <= words.count else { continue }
                var equal = true
                for offset in 1..<max(1, candidate.count) where words[position + offset] != candidate[offset] {
                    equal = false
                    break
                }
                if equal { body(phrase, position) }
            }
        }
    }
}

/// Everything the signals look up for one word, found with one look-up per word instead of one
/// per list (the signals read eight lists for every word of every mail).
struct SignalWords: Sendable {
    struct Entry: Sendable {
        var negator = false
        var positive: Double?
        var negative: Double?
        /// Start lists (see `PhraseMatcher.startList`) of the phrases that begin with the word.
        var polite: Int32?
        var calm: Int32?
        var urgent: Int32?
        var howAreYou: Int32?
        /// Bit set of the languages the word marks (indices into `Signals.languageMarkers`).
        var languages: Int32 = 0
    }

    let entries: [Entry]
    private let table: HashTable

    /// Built from the same lists the signals define, so the two can never disagree.
    init(
        negators: [UInt64], positive: [UInt64: Double], negative: [UInt64: Double],
        phrases: [(matcher: PhraseMatcher, field: WritableKeyPath<Entry, Int32?>)], languages: [UInt64: Int32]
    ) {
        var byWord: [UInt64: Entry] = [:]
        for word in negators { byWord[word, default: Entry()].negator = true }
        for (word, weight) in positive { byWord[word, default: Entry()].positive = weight }
        for (word, weight) in negative { byWord[word, default: Entry()].negative = weight }
        for (word, bits) in languages { byWord[word, default: Entry()].languages = bits }
        for (matcher, field) in phrases {
            for phrase in matcher.phrases where !phrase.isEmpty {
                byWord[phrase[0], default: Entry()][keyPath: field] = matcher.startList(phrase[0])
            }
        }
        let sorted = byWord.sorted { $0.key < $1.key }
        entries = sorted.map(\.value)
        table = HashTable(sorted.enumerated().map { ($1.key, Int32($0)) })
    }

    /// Each word's entry index (-1 for unknown words and sentence breaks), and where the words
    /// with an entry and the sentence breaks are: the only positions the signals need to visit.
    func lookUp(_ words: [UInt64]) -> WordInfo {
        // Written through the arrays' buffers: appending checked capacity and uniqueness twice a
        // word, which cost more than the look-up.
        var knownCount = 0
        var known = [Int](repeating: 0, count: words.count)
        let entries = words.withUnsafeBufferPointer { words in
            known.withUnsafeMutableBufferPointer { known in
                [Int32](unsafeUninitializedCapacity: words.count) { entries, initialized in
                    for position in 0..<words.count {
                        let word = words[position]
                        let entry = table.row(word) ?? -1
                        entries[position] = entry
                        if entry >= 0 || word == ClassifierTokenizer.sentenceBreak {
                            known[knownCount] = position
                            knownCount += 1
                        }
                    }
                    initialized = words.count
                }
            }
        }
        known.removeLast(known.count - knownCount)
        return WordInfo(entry: entries, known: known)
    }
}

/// The words of a message as the signals read them (`SignalWords.lookUp`).
struct WordInfo {
    /// Each word's `SignalWords` entry index, or -1.
    let entry: [Int32]
    /// In order, the positions of the words with an entry and of the sentence breaks.
    let known: [Int]
}

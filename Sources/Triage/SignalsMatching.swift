/// Word and phrase look-ups on word hashes, so signals read a 2 KB mail in microseconds:
/// comparing `String`s phrase by phrase at every word costs milliseconds.
struct WordWeights: Sendable {
    private let table: FeatureTable
    private let weights: [Double]

    init(_ words: [String: Double]) {
        let sorted = words.sorted { $0.key < $1.key }
        weights = sorted.map(\.value)
        table = FeatureTable(sorted.enumerated().map { (ClassifierTokenizer.normalizedWordHash($1.key), Int32($0)) })
    }

    init(_ words: Set<String>) { self.init(Dictionary(uniqueKeysWithValues: words.map { ($0, 1.0) })) }

    @inline(__always)
    func weight(_ word: UInt64) -> Double? { table.row(word).map { weights[Int($0)] } }

    @inline(__always)
    func contains(_ word: UInt64) -> Bool { table.row(word) != nil }
}

/// A list of phrases, each with a value, found by their first word.
struct PhraseMatcher: Sendable {
    /// Each phrase as word hashes.
    let phrases: [[UInt64]]
    let values: [Double]
    private let starts: FeatureTable
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
        starts = FeatureTable(keys.enumerated().map { ($1, Int32($0)) })
    }

    init(_ phrases: [String]) { self.init(phrases.map { ($0, 1.0) }) }

    /// Calls `body` with the phrase index and the position of every phrase found in `words`.
    func forEachMatch(in words: [UInt64], _ body: (_ phrase: Int, _ position: Int) -> Void) {
        for position in words.indices {
            guard let list = starts.row(words[position]) else { continue }
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

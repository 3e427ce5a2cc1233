import Foundation
import HashTables

/// A phrase that weighed in a decision, and by how much (log-odds of the winner over the
/// runner-up).
struct WeighedPhrase: Equatable, Sendable {
    var phrase: String
    var weight: Double
}

/// The outcome of scoring before signals are added.
struct ScoredText: Sendable {
    var category: Category
    var confidence: Double
    var runnerUp: Category?
    var evidence: [WeighedPhrase]
}

/// log P(feature | category) for every feature, a row of `SIMD8<Double>` chunks per feature
/// (zero-padded past the last category) in memory aligned to the cache line: with eight
/// categories a row is one line, not two, and summing a row is one vector add per chunk. Scoring
/// a mail reads a few hundred rows that other stages have pushed out of the cache since the
/// last mail, so the lines a row spans are most of the time classification takes.
// Unchecked: written only while the weights are built, then only read.
final class WeightMatrix: @unchecked Sendable {
    /// Chunks of eight columns a row.
    let chunks: Int
    let base: UnsafeMutablePointer<SIMD8<Double>>

    init(rows: Int, columns: Int) {
        chunks = max(1, (columns + 7) / 8)
        let count = max(1, rows * chunks)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<SIMD8<Double>>.stride, alignment: 64)
        base = raw.bindMemory(to: SIMD8<Double>.self, capacity: count)
        base.initialize(repeating: SIMD8(repeating: 0), count: count)
    }

    deinit { base.deallocate() }

    subscript(row: Int, column: Int) -> Double {
        get { base[row &* chunks &+ column >> 3][column & 7] }
        set { base[row &* chunks &+ column >> 3][column & 7] = newValue }
    }
}

/// The model compiled for scoring: log-probabilities in one flat array, rules as word hashes.
struct ClassifierWeights: Sendable {
    private struct CompiledRule: Sendable {
        var words: [UInt64]
        var column: Int
        var weight: Double
        var phrase: String
    }

    let categories: [Category]
    private let columns: Int
    private let table: HashTable
    /// `logLikelihood[row, column]` = log P(feature | category).
    private let logLikelihood: WeightMatrix
    private let featureText: [String]
    private let rules: [CompiledRule]
    /// Indices into `rules`, by the phrases' first word (`WordEntry.rules`).
    private let ruleLists: [[Int]]
    /// The `<positive>`/`<negative>` feature hashes (`WordEntry.mood`).
    private let moodMarkers: [UInt64]

    /// What scoring looks up for one word of a mail, found with one probe: the row `table` gives
    /// for the word's hash, the mood marker it counts for, and the rules whose phrase it starts
    /// (each -1 for none). Three tables probed for every word cost a fifth of scoring.
    private struct WordEntry {
        var row: Int32 = -1
        var mood: Int32 = -1
        var rules: Int32 = -1
    }
    private let wordTable: HashTable
    private let wordEntries: [WordEntry]

    init(model: ClassifierModel, rules: PhraseRules) throws {
        let markers = [ClassifierVocabulary.positiveMarker, ClassifierVocabulary.negativeMarker]
            .map(ClassifierTokenizer.featureHash)
        moodMarkers = markers
        categories = model.categories
        columns = model.categories.count
        // Sorted so rows, and therefore evidence ties, never depend on dictionary order.
        let features = model.features.sorted { $0.key < $1.key }
        featureText = features.map(\.key)
        var totals = [Double](repeating: 0, count: columns)
        for (_, counts) in features {
            for column in 0..<columns { totals[column] += Double(counts[column]) }
        }
        let vocabulary = Double(features.count)
        let logLikelihood = WeightMatrix(rows: features.count, columns: columns)
        for (row, (_, counts)) in features.enumerated() {
            for column in 0..<columns {
                let probability = (Double(counts[column]) + model.smoothing)
                    / (totals[column] + model.smoothing * vocabulary)
                logLikelihood[row, column] = log(probability)
            }
        }
        self.logLikelihood = logLikelihood
        table = HashTable(
            features.enumerated().map { (ClassifierTokenizer.featureHash($1.key), Int32($0)) })

        var compiled: [CompiledRule] = []
        var starts: [UInt64: [Int]] = [:]
        for (index, rule) in rules.rules.enumerated() {
            guard let column = model.categories.firstIndex(of: rule.category) else {
                throw ClassifierError.invalidRule(
                    file: "phrase rules", line: index + 1,  // the rule's position among the rules
                    reason: "category '\(rule.category)' is not one the model knows "
                        + "(\(model.categories.map(\.rawValue).joined(separator: ", ")))")
            }
            let words = ClassifierTokenizer.wordHashes(rule.phrase)
            starts[words[0], default: []].append(compiled.count)
            compiled.append(CompiledRule(words: words, column: column, weight: rule.weight, phrase: rule.phrase))
        }
        self.rules = compiled
        let startKeys = starts.keys.sorted()
        ruleLists = startKeys.map { starts[$0]! }
        var entries: [UInt64: WordEntry] = [:]
        for key in features.map({ ClassifierTokenizer.featureHash($0.key) }) where key != 0 {
            entries[key, default: WordEntry()].row = self.table.row(key) ?? -1
        }
        for (word, marker) in ClassifierVocabulary.markerTable {
            entries[word, default: WordEntry()].mood = marker == markers[0] ? 0 : 1
        }
        for (list, word) in startKeys.enumerated() { entries[word, default: WordEntry()].rules = Int32(list) }
        let words = entries.keys.sorted()
        wordEntries = words.map { entries[$0]! }
        wordTable = HashTable(words.enumerated().map { ($1, Int32($0)) })
    }

    func score(subject: String, text: String, evidenceCount: Int) -> ScoredText {
        let subjectWords = ClassifierTokenizer.wordHashes(subject, sentenceBreaks: true)
        let textWords = ClassifierTokenizer.wordHashes(text, sentenceBreaks: true)
        // Only the sentiment of the signals is needed for the context features.
        let whole = subject.isEmpty ? text : subject + "\n" + text
        let (intensity, hasQuestion) = Signals.scanTyping(whole)
        let sentiment = Signals.sentiment(
            words: subjectWords.isEmpty ? textWords : subjectWords + [ClassifierTokenizer.sentenceBreak] + textWords,
            intensity: intensity, hasQuestion: hasQuestion)
        return score(
            subjectWords: ClassifierTokenizer.withoutReplyMarkers(subjectWords), textWords: textWords,
            context: ClassifierVocabulary.contextFeatures(sentiment: sentiment, asks: ClassifierVocabulary.asks(text)),
            evidenceCount: evidenceCount)
    }

    /// Scores word hashes; sentence breaks in them are skipped for features (training reads
    /// across them) but stop phrase rules.
    func score(subjectWords: [UInt64], textWords: [UInt64], context: [String], evidenceCount: Int) -> ScoredText {
        var seen = [Bool](repeating: false, count: featureText.count)
        var ruleSeen = [Bool](repeating: false, count: rules.count)
        // In two steps: first the rows of the distinct features found, in order, then their sum.
        // The sum's loads do not wait on one another, so the cache misses of a few hundred rows
        // overlap instead of each waiting behind the next word's probes.
        var found = Found()
        // Whole-message context features count in the score but are not phrases to show.
        var contextCount = 0
        // The loop writes through a buffer pointer: array subscripts in it checked uniqueness
        // and bounds on every word, which cost more than the look-ups themselves.
        seen.withUnsafeMutableBufferPointer { seen in
            // A local struct, not a closure over local variables: those are checked for
            // exclusive access at run time on every write, which cost more than the look-ups.
            var collect = Collector(table: table, seen: seen)
            collect.found.rows.reserveCapacity(context.count + 3 * (subjectWords.count + textWords.count))
            for feature in context {
                collect.count(ClassifierVocabulary.contextHashes[feature] ?? ClassifierTokenizer.featureHash(feature))
            }
            contextCount = collect.found.rows.count
            for words in [subjectWords, textWords] {
                var previous: UInt64? = nil
                for index in words.indices {
                    let word = words[index]
                    if word == ClassifierTokenizer.sentenceBreak { continue }
                    let entry = wordTable.row(word).map { wordEntries[Int($0)] } ?? WordEntry()
                    if entry.row >= 0 { collect.count(row: entry.row) }
                    if let previous { collect.count(ClassifierTokenizer.bigramHash(previous, word)) }
                    if entry.mood >= 0 { collect.count(moodMarkers[Int(entry.mood)]) }
                    previous = word
                    if entry.rules >= 0 {
                        for ruleIndex in ruleLists[Int(entry.rules)] where !ruleSeen[ruleIndex] {
                            let ruleWords = rules[ruleIndex].words
                            guard index + ruleWords.count <= words.count,
                                words[index..<(index + ruleWords.count)].elementsEqual(ruleWords)
                            else { continue }
                            ruleSeen[ruleIndex] = true
                            collect.found.rules.append((collect.found.rows.count, ruleIndex))
                        }
                    }
                }
            }
            found = collect.found
        }
        let scores = sum(found)
        let matched = found.rows
        // Winner and runner-up; ties go to the earlier category so results are reproducible.
        var best = 0
        var second = -1
        for column in 1..<columns where scores[column] > scores[best] { best = column }
        for column in 0..<columns where column != best && (second < 0 || scores[column] > scores[second]) {
            second = column
        }
        let confidence = Self.confidence(scores: scores, best: best, features: matched.count)
        var evidence: [WeighedPhrase] = []
        if evidenceCount > 0 {
            // Weigh every matched feature as numbers first; only those that can make the top
            // `evidenceCount` (ties included) become strings to sort.
            var candidates: [(weight: Double, row: Int32)] = []
            for row in matched.dropFirst(contextCount) {
                let weight = logLikelihood[Int(row), best] - logLikelihood[Int(row), second]
                if weight > 0 { candidates.append((weight, row)) }
            }
            var cutoff = 0.0
            if candidates.count > evidenceCount {
                // The `evidenceCount`-th largest weight, kept in a small descending list (a full
                // sort of every candidate was most of the cost of this step).
                var top: [Double] = []
                top.reserveCapacity(evidenceCount + 1)
                for candidate in candidates where top.count < evidenceCount || candidate.weight > top[evidenceCount - 1] {
                    let position = top.firstIndex { $0 < candidate.weight } ?? top.count
                    top.insert(candidate.weight, at: position)
                    if top.count > evidenceCount { top.removeLast() }
                }
                cutoff = top[evidenceCount - 1]
            }
            for candidate in candidates where candidate.weight >= cutoff {
                evidence.append(
                    WeighedPhrase(
                        phrase: ClassifierVocabulary.readable(featureText[Int(candidate.row)]),
                        weight: candidate.weight))
            }
            for (index, rule) in rules.enumerated() where ruleSeen[index] {
                let weight = rule.column == best ? rule.weight : (rule.column == second ? -rule.weight : 0)
                if weight > 0 { evidence.append(WeighedPhrase(phrase: rule.phrase, weight: weight)) }
            }
            evidence.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.phrase < $1.phrase }
            evidence = Array(evidence.prefix(evidenceCount))
        }
        let nothingKnown = matched.count == contextCount && !ruleSeen.contains(true)
        return ScoredText(
            category: categories[best], confidence: nothingKnown ? 1 / Double(columns) : confidence,
            runnerUp: categories[second], evidence: evidence)
    }

    /// What scoring found in a mail: the distinct features' rows in the order found, and the
    /// phrase rules that matched, each with how many rows were found before it.
    private struct Found {
        var rows: [Int32] = []
        var rules: [(after: Int, rule: Int)] = []
    }

    /// Notes each distinct feature's row, once.
    private struct Collector {
        let table: HashTable
        let seen: UnsafeMutableBufferPointer<Bool>
        var found = Found()

        @inline(__always)
        mutating func count(_ key: UInt64) {
            guard let row = table.row(key) else { return }
            count(row: row)
        }

        @inline(__always)
        mutating func count(row: Int32) {
            guard !seen[Int(row)] else { return }
            seen[Int(row)] = true
            found.rows.append(row)
        }
    }

    /// The score of every category: the log-likelihoods of the rows found, and the weights of
    /// the rules, added in the order they were found (the same sums, to the last bit, as adding
    /// each as it is found), eight categories at a time.
    private func sum(_ found: Found) -> [Double] {
        let chunks = logLikelihood.chunks
        let weights = logLikelihood.base
        var scores = [Double](repeating: 0, count: columns)
        found.rows.withUnsafeBufferPointer { rows in
            for chunk in 0..<chunks {
                var total = SIMD8<Double>(repeating: 0)
                var next = 0
                for (after, ruleIndex) in found.rules {
                    while next < after {
                        total += weights[Int(rows[next]) &* chunks &+ chunk]
                        next &+= 1
                    }
                    let rule = rules[ruleIndex]
                    if rule.column >> 3 == chunk { total[rule.column & 7] += rule.weight }
                }
                while next < rows.count {
                    total += weights[Int(rows[next]) &* chunks &+ chunk]
                    next &+= 1
                }
                for lane in 0..<8 where chunk * 8 + lane < columns { scores[chunk * 8 + lane] = total[lane] }
            }
        }
        return scores
    }

    /// The winner's share of a softened posterior. Naive Bayes treats every word as independent
    /// evidence, so its raw posterior is near 1 for any long mail; dividing the log scores by
    /// the square root of the number of features counted keeps long mail from looking certain
    /// merely for being long.
    static func confidence(scores: [Double], best: Int, features: Int) -> Double {
        let scale = 1 / max(1, Double(features).squareRoot())
        let top = scores[best]
        var total = 0.0
        for score in scores { total += exp((score - top) * scale) }
        return 1 / total
    }
}

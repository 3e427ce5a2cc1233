import HashTables

/// Every phrase of every rule in one word trie, so a draft is walked once for all rules.
/// Words are interned to integer ids; a draft word no phrase uses is `Token.unknown` and ends
/// any walk at once.
struct PhraseIndex: Sendable {
    enum Role: UInt8, Sendable {
        /// A phrase the rule reports (or, for `required`/`context`, looks for).
        case match
        /// A phrase in which a match is not a finding ("I just checked").
        case exception
        /// An alternative that silences a `refusal` rule.
        case alternative
    }

    struct Payload: Sendable {
        var rule: Int32
        var role: Role
        /// Index into the rule's list for that role (phrases, replace pairs or markers).
        var index: Int32
        /// Index into `exactForms` when the phrase must match case-sensitively, else -1.
        var exact: Int32
    }

    private(set) var vocabulary: [String: Int32] = [:]
    /// ASCII words by a 64-bit hash of their bytes, with the bytes to confirm a hit: hashing
    /// bytes is much cheaper than making and hashing a String for every word of every draft.
    private var asciiIDs: [UInt64: Int32] = [:]
    private var asciiWords: [[UInt8]] = []
    private var edges: [UInt64: Int32] = [:]
    /// `asciiIDs` and `edges` as the tables a draft is looked up in (`seal()` makes them once
    /// every phrase is in): a `Dictionary` SipHashes every key, which cost more than the rest of
    /// tokenising and walking a draft.
    private var asciiTable = HashTable([])
    private var edgeTable = HashTable([])
    private(set) var payloads: [[Payload]] = [[]]
    /// Case-sensitive phrases, word positions with their alternatives in original case.
    private(set) var exactForms: [[[String]]] = []

    mutating func add(_ phrase: String, rule: Int, role: Role, index: Int, caseSensitive: Bool) {
        let pattern = PhrasePattern(phrase)
        guard !pattern.positions.isEmpty else { return }
        var exact: Int32 = -1
        if caseSensitive {
            exact = Int32(self.exactForms.count)
            self.exactForms.append(PhrasePattern(phrase, keepCase: true).positions)
        }
        // Alternatives fan out: every combination is a path ending in the same payload.
        var frontier: [Int32] = [0]
        for options in pattern.positions {
            var next: [Int32] = []
            for node in frontier {
                for word in options {
                    let id = self.intern(word)
                    let key = Self.key(node, id)
                    if let child = self.edges[key] {
                        if !next.contains(child) { next.append(child) }
                    } else {
                        let child = Int32(self.payloads.count)
                        self.payloads.append([])
                        self.edges[key] = child
                        next.append(child)
                    }
                }
            }
            frontier = next
        }
        let payload = Payload(rule: Int32(rule), role: role, index: Int32(index), exact: exact)
        for node in frontier { self.payloads[Int(node)].append(payload) }
    }

    private mutating func intern(_ word: String) -> Int32 {
        if let id = self.vocabulary[word] { return id }
        let id = Int32(self.vocabulary.count)
        self.vocabulary[word] = id
        let bytes = Array(word.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            self.asciiIDs[Self.hash(bytes)] = id
            self.asciiWords.append(bytes)
        } else {
            self.asciiWords.append([])
        }
        return id
    }

    /// Makes the look-up tables from the phrases added so far; a draft is looked up in them
    /// alone, so call it after the last `add`.
    mutating func seal() {
        self.asciiTable = HashTable(self.asciiIDs.map { ($0.key, $0.value) })
        self.edgeTable = HashTable(self.edges.map { (HashTable.mixed($0.key), $0.value) })
    }

    /// FNV-1a, 64 bits.
    @inline(__always)
    static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 { FNV1a.hash(bytes) }

    /// The id of a normalised draft word, or `Token.unknown`.
    @inline(__always)
    func id(of word: UnsafeBufferPointer<UInt8>, ascii: Bool) -> Int32 {
        guard ascii else {
            return self.vocabulary[String(decoding: word, as: UTF8.self).lowercased()] ?? Token.unknown
        }
        guard let id = self.asciiTable.row(Self.hash(word)), self.asciiWords[Int(id)].elementsEqual(word) else {
            return Token.unknown
        }
        return id
    }

    @inline(__always)
    private static func key(_ node: Int32, _ word: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: word))
    }

    @inline(__always)
    func child(_ node: Int32, _ word: Int32) -> Int32? { self.edgeTable.row(HashTable.mixed(Self.key(node, word))) }
}

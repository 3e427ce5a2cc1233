import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What an idle service gives back: the resident pages of its own executable and of the shared
/// libraries that are copies of their files (code and read-only data; of the executable, also the
/// data pages it never wrote), and the heap's free memory.
///
/// The release build is one static binary (the Swift runtime, Foundation and ICU inside): start-up
/// and a backlog touch pages all over its code, and the kernel maps them in 64 KB blocks, so an
/// idle `tact run` kept ~18 MB of its 27 MB of code resident though its idle loops use ~5 MB
/// (measured: `TactBench idle`, /proc/PID/smaps); the libraries kept ~12 MB more (libcrypto
/// ~3 MB of OpenSSL's start-up, libstdc++, SQLite, GnuTLS, …). Those pages are clean
/// copies of the file: dropping them (`MADV_DONTNEED`) loses nothing, and the next use maps them
/// back from the page cache (a minor fault per 64 KB block). Read-only mappings that hold a page
/// written by the process (the relocated, then write-protected data) are left alone; in the
/// writable data, only pages /proc/self/pagemap shows as still the file's are reclaimed, with
/// `MADV_PAGEOUT`, which never discards a page (one written meanwhile is kept, or swapped).
public enum IdleMemory {
    /// A mapping of /proc/self/smaps: its address range, permissions, file, and what is resident.
    struct Mapping: Equatable {
        var range: Range<UInt>
        var permissions: String
        var path: String
        var anonymousKB = 0
        var residentKB = 0

        /// Not writable, private, and no page of it is the process's own copy: a page written
        /// through a private mapping (relocated data, before it was write-protected) becomes
        /// anonymous memory, counted in `Anonymous`. (`Private_Dirty` is no guide: it also counts
        /// page-cache pages not yet written back, such as those of a binary just built; dropping
        /// those from the mapping loses nothing either, the page cache keeps them.)
        var isCleanFileCopy: Bool {
            let flags = Array(self.permissions)
            return flags.count == 4 && flags[1] != "w" && flags[3] == "p" && self.anonymousKB == 0
        }
    }

    /// The mappings listed in an smaps text.
    static func mappings(smaps: String) -> [Mapping] {
        var result: [Mapping] = []
        for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), !first.hasSuffix(":"), fields.count >= 5 {
                let bounds = first.split(separator: "-")
                guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16), start <= end
                else { continue }
                let path = fields.count >= 6 ? fields[5...].joined(separator: " ") : ""
                result.append(Mapping(range: start..<end, permissions: String(fields[1]), path: path))
            } else if fields.count >= 2, !result.isEmpty, let value = Int(fields[1]) {
                switch fields[0] {
                case "Anonymous:": result[result.count - 1].anonymousKB = value
                case "Rss:": result[result.count - 1].residentKB = value
                default: break
                }
            }
        }
        return result
    }

    /// The executable's writable private mappings (its data): written pages there are the
    /// process's own, so only the pages still shared with the file may go (`fileRuns`).
    static func writableData(_ mappings: [Mapping], executable: String) -> [Mapping] {
        mappings.filter { mapping in
            let flags = Array(mapping.permissions)
            return mapping.path == executable && flags.count == 4 && flags[1] == "w" && flags[3] == "p"
        }
    }

    /// The address runs of pages that are present and still the file's own page (not a private
    /// copy), from the mapping's /proc/self/pagemap entries (one 64-bit entry a page: bit 63
    /// present, bit 61 a file page).
    static func fileRuns(entries: [UInt64], start: UInt, pageSize: UInt) -> [Range<UInt>] {
        var runs: [Range<UInt>] = []
        var runStart: UInt?
        for (index, entry) in entries.enumerated() {
            let address = start + UInt(index) * pageSize
            let isFilePage = entry & (1 << 63) != 0 && entry & (1 << 61) != 0
            if isFilePage, runStart == nil { runStart = address }
            if !isFilePage, let begin = runStart {
                runs.append(begin..<address)
                runStart = nil
            }
        }
        if let begin = runStart { runs.append(begin..<(start + UInt(entries.count) * pageSize)) }
        return runs
    }

    /// The pagemap entries of `range`, or nil when /proc/self/pagemap cannot be read.
    static func pagemapEntries(_ range: Range<UInt>, pageSize: UInt) -> [UInt64]? {
        let fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let count = Int((range.upperBound - range.lowerBound) / pageSize)
        var entries = [UInt64](repeating: 0, count: count)
        let wanted = count * MemoryLayout<UInt64>.size
        let read = entries.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(range.lowerBound / pageSize) * 8) }
        return read == wanted ? entries : nil
    }

    /// The mappings whose resident pages can be dropped without losing anything: the clean
    /// copies of the executable and of the files in `startupFiles` (the shared libraries mapped
    /// at start; libcrypto alone kept ~3 MB of what OpenSSL's start-up touched).
    ///
    /// Only files mapped at start: those are never unmapped. A library loaded later could be
    /// unloaded between the look at smaps and `madvise`, and its addresses given to new memory,
    /// which `MADV_DONTNEED` would then zero.
    static func releasable(_ mappings: [Mapping], executable: String, startupFiles: Set<String>) -> [Mapping] {
        mappings.filter { mapping in
            mapping.isCleanFileCopy
                && (mapping.path == executable || (Self.isOrdinaryFile(mapping.path) && startupFiles.contains(mapping.path)))
        }
    }

    /// A path the kernel shows for a mapping of an ordinary file: absolute, still linked, and not
    /// a device or a memfd (the kernel's own mappings, such as [vvar] and [vdso], are bracketed).
    static func isOrdinaryFile(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.hasPrefix("/dev/") && !path.hasPrefix("/memfd:") && !path.hasSuffix(" (deleted)")
    }

    /// The files mapped in `maps` (the text of /proc/self/maps).
    static func mappedFiles(maps: String) -> Set<String> {
        var files = Set<String>()
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6 else { continue }
            let path = fields[5].drop { $0 == " " }
            if Self.isOrdinaryFile(String(path)) { files.insert(String(path)) }
        }
        return files
    }

    private static let startupLock = NSLock()
    nonisolated(unsafe) private static var noted: Set<String> = []

    /// Notes the files mapped now as those mapped at start, whose clean pages `release` may
    /// drop. The service calls it before it starts any work; without it only the executable's
    /// pages are released.
    public static func noteStartupFiles() {
        let files = Self.procText("/proc/self/maps").map(Self.mappedFiles) ?? []
        Self.startupLock.withLock { if Self.noted.isEmpty { Self.noted = files } }
    }

    static var startupFiles: Set<String> { Self.startupLock.withLock { Self.noted } }

    /// When another release is worth its cost, after the one that follows start-up. Each drops
    /// the pages the idle loops use too, which they fault straight back (~4 MB within seconds),
    /// and reads /proc/self/smaps: done every minute it nearly doubled an idle service's CPU.
    /// Pages pile up again only when the service works (one message processed maps most of the
    /// pipeline's code back: 8.8 MB, measured), so a check releases only when the resident set
    /// grew by `growthKB` over what it was one check after the last release, when the idle
    /// loops' pages were back.
    struct ReleasePolicy {
        /// Growth of the resident set, in kB, that makes a check release.
        let growthKB: Int
        /// The resident set one check after the last release; nil until that check.
        private var settled: Int?

        init(growthKB: Int = 3 * 1024) { self.growthKB = growthKB }

        /// Whether to release now, given the resident set in kB. The check right after a
        /// release only notes what the idle service holds.
        mutating func due(residentKB: Int) -> Bool {
            guard let settled = self.settled else {
                self.settled = residentKB
                return false
            }
            return residentKB - settled >= self.growthKB
        }

        /// Notes a release.
        mutating func released() { self.settled = nil }
    }

    /// The process's resident set in kB (`VmRSS` of /proc/self/status: a small file the kernel
    /// fills from counters, without walking the page tables as smaps does); 0 if unreadable.
    static func residentKB() -> Int {
        guard let status = Self.procText("/proc/self/status") else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// glibc's `malloc_trim(0)`: free memory at the top of the heap and in free chunks goes back
    /// to the system. Looked up at run time (it is declared in <malloc.h>, which Swift's Glibc
    /// module does not bring in); a libc without it is left alone.
    static func trimHeap() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// A /proc file's whole text, read until the end. /proc reports a size of 0 and hands out
    /// whole records per read, so a reader that stops at a short read gets only the first few:
    /// Foundation's `String(contentsOfFile:)` returned 3.8 KB of a 78 KB smaps, the executable's
    /// mappings and none of the libraries'. Nil when it cannot be opened or read.
    static func procText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The executable's path as the kernel names it in /proc/self/maps.
    static var executable: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    }

    /// Drops the resident pages of the `releasable` mappings (the executable's and the startup
    /// libraries' clean copies of their files) and returns the heap's free memory to the system;
    /// with `data`, also reclaims the executable's data pages still the file's. Returns the
    /// kilobytes released.
    ///
    /// Reclaimed data pages leave the page cache too, so those in use are read from disk again:
    /// the service asks for them once, after start-up (which touches most of them), not every
    /// minute, where the idle loops' own ~0.7 MB would be read again each time.
    @discardableResult
    public static func release(data: Bool = true) -> Int {
        defer { Self.trimHeap() }
        guard let executable = Self.executable, let smaps = Self.procText("/proc/self/smaps") else { return 0 }
        var released = 0
        let mappings = Self.mappings(smaps: smaps)
        for mapping in Self.releasable(mappings, executable: executable, startupFiles: Self.startupFiles)
        where mapping.residentKB > 0 {
            let start = UnsafeMutableRawPointer(bitPattern: mapping.range.lowerBound)
            if madvise(start, Int(mapping.range.upperBound - mapping.range.lowerBound), MADV_DONTNEED) == 0 {
                released += mapping.residentKB
            }
        }
        // The data: only the pages never written, and with MADV_PAGEOUT, which reclaims and never
        // discards (a page written between the look at pagemap and this call is kept, or goes to
        // swap like any other), where MADV_DONTNEED would throw the written page away.
        for mapping in Self.writableData(mappings, executable: executable) where data && mapping.residentKB > mapping.anonymousKB {
            released += Self.reclaimFilePages(mapping.range)
        }
        return released
    }

    /// Reclaims the pages of a writable private file mapping that are still the file's (never
    /// written), with `MADV_PAGEOUT`; written pages stay. Returns the kilobytes asked for.
    static func reclaimFilePages(_ range: Range<UInt>) -> Int {
        let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))
        guard let entries = Self.pagemapEntries(range, pageSize: pageSize) else { return 0 }
        var reclaimed = 0
        for run in Self.fileRuns(entries: entries, start: range.lowerBound, pageSize: pageSize) {
            if madvise(UnsafeMutableRawPointer(bitPattern: run.lowerBound), Int(run.upperBound - run.lowerBound), MADV_PAGEOUT) == 0 {
                reclaimed += Int((run.upperBound - run.lowerBound) / 1024)
            }
        }
        return reclaimed
    }
}

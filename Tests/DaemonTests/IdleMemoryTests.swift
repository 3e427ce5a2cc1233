import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Daemon

/// `IdleMemory` drops only pages that are clean copies of the executable, and really drops them.
// Serialized: each live test measures what one release does.
@Suite(.serialized) struct IdleMemoryTests {
    static let smaps = """
        55d0c0000000-55d0c1a00000 r-xp 00000000 fe:01 123 /usr/bin/tact
        Size:              26624 kB
        Rss:               17856 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        55d0c1a00000-55d0c1ab4000 r--p 01a00000 fe:01 123 /usr/bin/tact
        Rss:                 720 kB
        Private_Dirty:       720 kB
        Anonymous:           720 kB
        55d0c1ab4000-55d0c3ef5000 rw-p 01ab4000 fe:01 123 /usr/bin/tact
        Rss:                3260 kB
        Private_Dirty:       376 kB
        Anonymous:           376 kB
        55d0c3ef5000-55d0c3ff5000 r--p 03ef5000 fe:01 123 /usr/bin/tact
        Rss:                 100 kB
        Private_Dirty:        16 kB
        Anonymous:             0 kB
        55d0c4000000-55d0c4100000 rw-p 00000000 00:00 0 [heap]
        Rss:                 212 kB
        Private_Dirty:       212 kB
        Anonymous:           212 kB
        7f0000000000-7f0000100000 r-xp 00000000 fe:01 456 /usr/lib/x86_64-linux-gnu/libc.so.6
        Rss:                1568 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        7f0000100000-7f0000200000 r-xs 00000000 fe:01 123 /usr/bin/tact
        Rss:                  64 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        7f0000200000-7f0000300000 r-xp 00000000 fe:01 789 /opt/my tools/tact
        Rss:                  64 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        """

    @Test func onlyTheExecutablesPrivateNeverWrittenMappingsAreReleasable() {
        let mappings = IdleMemory.mappings(smaps: Self.smaps)
        #expect(mappings.count == 8)
        #expect(mappings[0] == IdleMemory.Mapping(
            range: 0x55d0_c000_0000..<0x55d0_c1a0_0000, permissions: "r-xp", path: "/usr/bin/tact", residentKB: 17856))
        #expect(mappings[7].path == "/opt/my tools/tact")
        let releasable = IdleMemory.releasable(mappings, executable: "/usr/bin/tact")
        // The code, and the read-only data no page of which was written (dirty page-cache pages
        // of a binary just built are not the process's own): not the relocated data (its
        // written pages are anonymous), the writable data, the heap, another file's pages, or a
        // shared mapping.
        #expect(releasable.map(\.range.lowerBound) == [0x55d0_c000_0000, 0x55d0_c3ef_5000])
        #expect(IdleMemory.releasable(mappings, executable: "/opt/my tools/tact").map(\.permissions) == ["r-xp"])
        #expect(IdleMemory.mappings(smaps: "garbage\n\nzz-yy r-xp\nRss: 5 kB\n").isEmpty)
    }

    @Test func fileRunsArePresentFilePagesInAddressOrder() {
        let present: UInt64 = 1 << 63, file: UInt64 = 1 << 61
        let entries: [UInt64] = [present | file, present | file, present, 0, file, present | file, present | file | 0x1234, present | file]
        #expect(IdleMemory.fileRuns(entries: entries, start: 0x10000, pageSize: 0x1000) == [0x10000..<0x12000, 0x15000..<0x18000])
        #expect(IdleMemory.fileRuns(entries: [present, 0], start: 0, pageSize: 4096).isEmpty)
        #expect(IdleMemory.fileRuns(entries: [], start: 0, pageSize: 4096).isEmpty)
        let mappings = IdleMemory.mappings(smaps: Self.smaps)
        #expect(IdleMemory.writableData(mappings, executable: "/usr/bin/tact").map(\.range.lowerBound) == [0x55d0_c1ab_4000])
    }

    /// Written data survives a release: only the data pages still shared with the file go.
    @Test func writtenDataSurvivesAndUnwrittenDataPagesGo() throws {
        let executable = try #require(IdleMemory.executable)
        let pageSize = UInt(sysconf(Int32(_SC_PAGESIZE)))
        func filePagesInData() throws -> Int {
            let smaps = try #require(IdleMemory.procText("/proc/self/smaps"))
            return try IdleMemory.writableData(IdleMemory.mappings(smaps: smaps), executable: executable).map { mapping in
                let entries = try #require(IdleMemory.pagemapEntries(mapping.range, pageSize: pageSize))
                return IdleMemory.fileRuns(entries: entries, start: mapping.range.lowerBound, pageSize: pageSize)
                    .map { Int(($0.upperBound - $0.lowerBound) / pageSize) }.reduce(0, +)
            }.reduce(0, +)
        }
        IdleMemoryTests.written = (0..<5000).map { $0 &* 2_654_435_761 }
        // Without `data` (the service's minutely release) the data pages stay.
        let first = try filePagesInData()
        IdleMemory.release(data: false)
        let before = try filePagesInData()
        #expect(before >= first - first / 4, "\(first) data pages still the file's, \(before) after a release without data")
        IdleMemory.release()
        let after = try filePagesInData()
        #expect(IdleMemoryTests.written == (0..<5000).map { $0 &* 2_654_435_761 })
        #expect(before > 0, "no data page of the test binary is still the file's")
        // Tests running meanwhile on other threads bring some pages back at once (of ~160 file
        // pages, 62–92 were back when this ran beside the parsing and outbox suites), so the
        // bound is a quarter gone; a release that reclaimed nothing leaves them all.
        #expect(after <= before * 3 / 4, "\(after) of \(before) data pages still the file's after a release")
    }
    nonisolated(unsafe) static var written: [Int] = []

    /// This test process's own code pages go, and come back when used.
    @Test func releasingDropsResidentCodeAndTheProcessKeepsRunning() throws {
        let executable = try #require(IdleMemory.executable)
        func residentCodeKB() throws -> Int {
            let smaps = try #require(IdleMemory.procText("/proc/self/smaps"))
            return IdleMemory.releasable(IdleMemory.mappings(smaps: smaps), executable: executable).map(\.residentKB).reduce(0, +)
        }
        let before = try residentCodeKB()
        let released = IdleMemory.release()
        let after = try residentCodeKB()
        #expect(before > 1024, "\(before) kB of the test binary's code resident before")
        #expect(released >= before / 2, "released \(released) of \(before) kB")
        #expect(after < before / 2, "\(after) kB resident right after, \(before) before")
        // Code runs again after its pages went (they come back from the page cache).
        let mappings = IdleMemory.mappings(smaps: Self.smaps)
        #expect(mappings.count == 8)
    }

    /// /proc files are read to the end: a reader that stopped at its first short read got only
    /// the first mappings of smaps (the low addresses), and the release found nothing to drop.
    @Test func procFilesAreReadWhole() throws {
        let smaps = try #require(IdleMemory.procText("/proc/self/smaps"))
        let mappings = IdleMemory.mappings(smaps: smaps)
        // The stack and the vDSO are mapped at the top of the address space: the end of the file.
        #expect(mappings.contains { $0.path == "[stack]" }, "\(mappings.count) mappings, \(smaps.utf8.count) bytes")
        #expect(mappings.contains { $0.path == "[vdso]" })
        #expect(smaps.utf8.count > 64 * 1024, "more than one read's worth: \(smaps.utf8.count) bytes")
        #expect(mappings.allSatisfy { $0.residentKB >= $0.anonymousKB })
        #expect(IdleMemory.procText("/proc/self/no-such-file") == nil)
    }
}

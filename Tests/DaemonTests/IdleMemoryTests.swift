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
        7f0000300000-7f0000340000 r--p 00000000 fe:01 790 /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        Rss:                 256 kB
        Anonymous:             0 kB
        7f0000340000-7f0000350000 r--p 00040000 fe:01 790 /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        Rss:                  64 kB
        Anonymous:            12 kB
        7f0000350000-7f0000360000 r--p 00000000 00:05 791 /memfd:pool (deleted)
        Rss:                  64 kB
        Anonymous:             0 kB
        7f0000360000-7f0000370000 r--p 00000000 fe:01 792 /usr/lib/old.so (deleted)
        Rss:                  64 kB
        Anonymous:             0 kB
        7f0000370000-7f0000380000 r--p 00000000 00:06 793 /dev/dri/card0
        Rss:                  64 kB
        Anonymous:             0 kB
        7ffc00000000-7ffc00002000 r--p 00000000 00:00 0 [vvar]
        Rss:                   0 kB
        Anonymous:             0 kB
        7ffc00002000-7ffc00004000 r-xp 00000000 00:00 0 [vdso]
        Rss:                   8 kB
        Anonymous:             0 kB
        """

    @Test func onlyPrivateNeverWrittenMappingsOfOrdinaryFilesAreReleasable() {
        let mappings = IdleMemory.mappings(smaps: Self.smaps)
        #expect(mappings.count == 15)
        #expect(mappings[0] == IdleMemory.Mapping(
            range: 0x55d0_c000_0000..<0x55d0_c1a0_0000, permissions: "r-xp", path: "/usr/bin/tact", residentKB: 17856))
        #expect(mappings[7].path == "/opt/my tools/tact")
        #expect(mappings[10].path == "/memfd:pool (deleted)")
        let startup: Set<String> = [
            "/usr/lib/x86_64-linux-gnu/libc.so.6", "/opt/my tools/tact", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
            "/usr/lib/old.so (deleted)", "/memfd:pool (deleted)", "/dev/dri/card0",
        ]
        let releasable = IdleMemory.releasable(mappings, executable: "/usr/bin/tact", startupFiles: startup)
        // The code, and the read-only data no page of which was written (dirty page-cache pages
        // of a binary just built are not the process's own), of the executable, a library and
        // another file: not the relocated data (its written pages are anonymous), the writable
        // data, the heap, a shared mapping, a memfd, a deleted file, a device, or the kernel's
        // [vvar] and [vdso].
        #expect(releasable.map(\.range.lowerBound) == [
            0x55d0_c000_0000, 0x55d0_c3ef_5000, 0x7f00_0000_0000, 0x7f00_0020_0000, 0x7f00_0030_0000,
        ])
        #expect(IdleMemory.releasable(mappings, executable: "/opt/my tools/tact", startupFiles: startup).map(\.range.lowerBound)
            == [0x7f00_0000_0000, 0x7f00_0020_0000, 0x7f00_0030_0000])
        // A library mapped after start (not in the set) is left alone: it could be unloaded and
        // its addresses reused between the look at smaps and the release.
        #expect(IdleMemory.releasable(mappings, executable: "/usr/bin/tact", startupFiles: []).map(\.range.lowerBound)
            == [0x55d0_c000_0000, 0x55d0_c3ef_5000])
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

    /// Written data survives a reclaim: only the pages still the file's go. On a mapping of its
    /// own (the test binary's data is touched meanwhile by tests running on other threads).
    @Test func writtenDataSurvivesAndUnwrittenDataPagesGo() throws {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let pages = 64
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("idle-memory-\(getpid()).data").path
        let contents = [UInt8]((0..<(pages * pageSize)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try Data(contents).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        fsync(fd)  // dirty page-cache pages are written back before they can be reclaimed
        let length = pages * pageSize
        let mapped = try #require(mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0))
        try #require(mapped != MAP_FAILED)
        defer { munmap(mapped, length) }
        let bytes = mapped.assumingMemoryBound(to: UInt8.self)
        var sum = 0
        for page in 0..<pages { sum &+= Int(bytes[page * pageSize]) }  // every page read: the file's
        #expect(sum == (0..<pages).reduce(0) { $0 &+ Int(contents[$1 * pageSize]) })
        for page in stride(from: 0, to: pages, by: 4) { bytes[page * pageSize] = 0xAB }  // a quarter written
        let start = UInt(bitPattern: mapped)
        let range = start..<(start + UInt(length))
        func present() throws -> (file: Int, own: Int) {
            let entries = try #require(IdleMemory.pagemapEntries(range, pageSize: UInt(pageSize)))
            let file = entries.filter { $0 & (1 << 63) != 0 && $0 & (1 << 61) != 0 }.count
            let own = entries.filter { $0 & (1 << 63) != 0 && $0 & (1 << 61) == 0 }.count
            return (file, own)
        }
        let before = try present()
        #expect(before.file == pages - pages / 4 && before.own == pages / 4, "\(before)")
        let reclaimed = IdleMemory.reclaimFilePages(range)
        let after = try present()
        #expect(reclaimed == (pages - pages / 4) * pageSize / 1024)
        #expect(after.file == 0 && after.own == pages / 4, "\(after) after reclaiming")
        // The written pages keep what was written; the others read the file again.
        for page in 0..<pages {
            let expected = page % 4 == 0 ? 0xAB : contents[page * pageSize]
            if bytes[page * pageSize] != expected { Issue.record("page \(page) holds \(bytes[page * pageSize])") }
        }
    }

    /// This test process's own code pages go, and come back when used.
    @Test func releasingDropsResidentCodeAndTheProcessKeepsRunning() throws {
        let executable = try #require(IdleMemory.executable)
        func residentCodeKB() throws -> Int {
            let smaps = try #require(IdleMemory.procText("/proc/self/smaps"))
            return IdleMemory.releasable(IdleMemory.mappings(smaps: smaps), executable: executable, startupFiles: IdleMemory.startupFiles)
                .map(\.residentKB).reduce(0, +)
        }
        IdleMemory.noteStartupFiles()
        #expect(IdleMemory.startupFiles.contains { $0.contains("libc.so") }, "\(IdleMemory.startupFiles)")
        let before = try residentCodeKB()
        let released = IdleMemory.release()
        let after = try residentCodeKB()
        #expect(before > 1024, "\(before) kB of the test binary's code resident before")
        #expect(released >= before / 2, "released \(released) of \(before) kB")
        #expect(after < before / 2, "\(after) kB resident right after, \(before) before")
        // Code runs again after its pages went (they come back from the page cache).
        let mappings = IdleMemory.mappings(smaps: Self.smaps)
        #expect(mappings.count == 15)
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

    /// After the first release, only growth of the resident set (work) makes another: growth
    /// over what the idle service held one check after the last release.
    @Test func aReleaseFollowsGrowthNotTime() {
        var policy = IdleMemory.ReleasePolicy(growthKB: 3072)
        func due(_ residentKB: Int) -> Bool { policy.due(residentKB: residentKB) }
        // The policy starts after the release that follows start-up. The idle loops' pages came
        // back (15 → 20 MB): noted, not released.
        #expect(!due(20_000))
        // Minute after minute of idling: no release.
        #expect(!due(20_400))
        #expect(!due(23_071))
        // A message processed brought the pipeline's code back.
        #expect(due(23_072))
        #expect(due(31_000))
        policy.released()
        #expect(!due(19_000))
        #expect(!due(21_000))
        #expect(due(22_100))
    }

    @Test func mappedFilesAreTheOrdinaryFilesOfMaps() {
        let maps = """
            55d0c0000000-55d0c1a00000 r-xp 00000000 fe:01 123                        /usr/bin/tact
            55d0c4000000-55d0c4100000 rw-p 00000000 00:00 0                          [heap]
            7f0000200000-7f0000300000 r-xp 00000000 fe:01 789                        /opt/my tools/tact
            7f0000350000-7f0000360000 r--p 00000000 00:05 791                        /memfd:pool (deleted)
            7f0000400000-7f0000500000 rw-p 00000000 00:00 0 
            7ffc00002000-7ffc00004000 r-xp 00000000 00:00 0                          [vdso]
            """
        #expect(IdleMemory.mappedFiles(maps: maps) == ["/usr/bin/tact", "/opt/my tools/tact"])
    }

    @Test func theResidentSetIsReadFromStatus() {
        let resident = IdleMemory.residentKB()
        // This test process holds at least its own code and more than a few MB, and less than
        // the machine.
        #expect(resident > 4 * 1024 && resident < 64 * 1024 * 1024, "\(resident) kB")
    }
}

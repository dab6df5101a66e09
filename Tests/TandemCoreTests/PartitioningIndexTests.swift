import Testing
import TandemCore

@Suite("partitioningIndex")
struct PartitioningIndexTests {
    /// Against a linear scan, for every insertion point of every sorted array up to 9 elements with repeats.
    @Test(arguments: 0...9)
    func findsTheFirstElementOfTheSecondPart(count: Int) {
        let sorted = (0..<count).map { $0 / 2 * 2 }  // 0 0 2 2 4 4 …: repeats and gaps
        for x in -1...(count + 1) {
            let expected = sorted.firstIndex { $0 >= x } ?? sorted.endIndex
            #expect(sorted.partitioningIndex { $0 >= x } == expected, "x = \(x) in \(sorted)")
        }
    }

    @Test func worksOnSlicesWithTheirOwnIndices() {
        let slice = [1, 3, 5, 7, 9][2...]
        #expect(slice.partitioningIndex { $0 >= 6 } == 3)
        #expect(slice.partitioningIndex { $0 >= 100 } == slice.endIndex)
        #expect(slice.partitioningIndex { _ in true } == slice.startIndex)
    }
}

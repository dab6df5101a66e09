extension RandomAccessCollection {
    /// The first index whose element `belongsToSecondPart` accepts, by binary search; `endIndex` when none does.
    ///
    /// The collection must be partitioned by the predicate: false for some prefix, true for every element after
    /// it (in a sorted collection, `{ $0 >= x }` finds where `x` is or would be inserted). The one binary search
    /// of the core: a hand-written `while low < high` is easy to get subtly wrong.
    @inlinable
    public func partitioningIndex(where belongsToSecondPart: (Element) throws -> Bool) rethrows -> Index {
        var low = startIndex
        var n = count
        while n > 0 {
            let half = n / 2
            let mid = index(low, offsetBy: half)
            if try belongsToSecondPart(self[mid]) {
                n = half
            } else {
                low = index(after: mid)
                n -= half + 1
            }
        }
        return low
    }
}

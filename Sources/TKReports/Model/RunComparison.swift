import TKMetrics

/// Two runs scored on the same items, compared item by item: for every metric both have, the mean
/// of each and the paired difference (second − first) with a paired-bootstrap interval, overall
/// and per category.
///
/// Items are paired by index; an item only one run has, or whose metric is missing on either side,
/// is left out of that difference (its `count` says how many items it covers). Categories come from
/// the first run's items.
public struct RunComparison: Sendable, Encodable {
    public struct Row: Sendable, Encodable, Equatable {
        public var metric: String
        /// Means over the paired items only, so `second − first` equals the difference's mean.
        public var first: Double
        public var second: Double
        public var difference: PairedDifference
    }

    public struct CategoryRows: Sendable, Encodable, Equatable {
        public var category: String
        public var rows: [Row]
    }

    public var firstRun: Int64
    public var secondRun: Int64
    /// Items the two runs share.
    public var sharedItems: Int
    /// Items only one of them has.
    public var unpairedItems: Int
    public var metrics: [Row]
    public var byCategory: [CategoryRows]
    public var bootstrap: Bootstrap

    /// - Throws: `ReportError` when the runs share no item (different data or tasks).
    public init(_ first: RunSnapshot, _ second: RunSnapshot, bootstrap: Bootstrap = Bootstrap()) throws {
        firstRun = first.run.id
        secondRun = second.run.id
        self.bootstrap = bootstrap
        let a = first.itemsByIndex, b = second.itemsByIndex
        let shared = Set(a.keys).intersection(b.keys)
        sharedItems = shared.count
        unpairedItems = Set(a.keys).symmetricDifference(b.keys).count
        guard !shared.isEmpty else {
            throw ReportError("Runs \(first.run.id) and \(second.run.id) share no item (\(a.count) and \(b.count) items stored); compare runs of the same task on the same data.")
        }
        if first.run.key.dataChecksum != second.run.key.dataChecksum {
            throw ReportError("Runs \(first.run.id) and \(second.run.id) were scored on different data files (checksums \(first.run.key.dataChecksum.prefix(12))… and \(second.run.key.dataChecksum.prefix(12))…), so their items cannot be paired.")
        }
        let names = first.headline + second.headline + (first.summary?.metrics.keys.sorted() ?? [])
        var order: [String] = []
        for name in names where !order.contains(name) && second.summary?.metrics[name] != nil { order.append(name) }

        func rows(_ indices: Set<Int>) throws -> [Row] {
            try order.compactMap { metric in
                var x: [Int: Double] = [:], y: [Int: Double] = [:]
                for i in indices {
                    guard let u = a[i]?.metrics[metric], let v = b[i]?.metrics[metric], u.isFinite, v.isFinite else { continue }
                    x[i] = u
                    y[i] = v
                }
                guard !x.isEmpty else { return nil }
                let difference = try bootstrap.pairedDifference(y, x)
                let mean = { (values: [Int: Double]) in values.keys.sorted().reduce(0) { $0 + values[$1]! } / Double(values.count) }
                return Row(metric: metric, first: mean(x), second: mean(y), difference: difference)
            }
        }
        metrics = try rows(shared)
        var groups: [String: Set<Int>] = [:]
        for i in shared { if let category = a[i]?.category { groups[category, default: []].insert(i) } }
        byCategory = try groups.keys.sorted().map { CategoryRows(category: $0, rows: try rows(groups[$0]!)) }
    }
}

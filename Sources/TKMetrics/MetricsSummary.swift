/// Every metric's mean and bootstrap interval over a run: overall, per category and per type.
///
/// Codable so it can be stored with a run and printed as JSON; the overall figures sit under
/// `metrics`, the key that `truthkit runs list` reads its headline number from.
public struct MetricsSummary: Sendable, Codable, Equatable {
    /// How many items were summarised.
    public var itemCount: Int
    /// Metric name → estimate over all items that have that metric.
    public var metrics: [String: MetricEstimate]
    /// Category → metric name → estimate over that category's items.
    public var byCategory: [String: [String: MetricEstimate]]
    /// Type → metric name → estimate over that type's items.
    public var byType: [String: [String: MetricEstimate]]
    /// The bootstrap settings the intervals were computed with, so they can be reproduced.
    public var bootstrap: Bootstrap

    public init(
        itemCount: Int, metrics: [String: MetricEstimate], byCategory: [String: [String: MetricEstimate]],
        byType: [String: [String: MetricEstimate]], bootstrap: Bootstrap
    ) {
        self.itemCount = itemCount
        self.metrics = metrics
        self.byCategory = byCategory
        self.byType = byType
        self.bootstrap = bootstrap
    }

    /// Summarises item scores. Each metric is averaged over the items that have it, so items of
    /// different formats can share a run; items without a category or type are left out of
    /// those groupings but still count overall.
    ///
    /// Each group is resampled on its own (a category's interval resamples that category's
    /// items), which is the interval a reader of a per-category table expects.
    ///
    /// - Throws: `MetricsError.emptyInput` for no items, `.invalidParameter` for bad bootstrap
    ///   settings.
    public init(items: [ItemScore], bootstrap: Bootstrap = Bootstrap()) throws(MetricsError) {
        guard !items.isEmpty else {
            throw MetricsError(.emptyInput, "Cannot summarise a run with no scored items; check the data file and any --limit.")
        }
        self.itemCount = items.count
        self.bootstrap = bootstrap
        self.metrics = try Self.estimates(items, bootstrap)
        var byCategory: [String: [String: MetricEstimate]] = [:]
        for (category, group) in Dictionary(grouping: items.filter { $0.category != nil }, by: { $0.category! }) {
            byCategory[category] = try Self.estimates(group, bootstrap)
        }
        self.byCategory = byCategory
        var byType: [String: [String: MetricEstimate]] = [:]
        for (type, group) in Dictionary(grouping: items.filter { $0.type != nil }, by: { $0.type! }) {
            byType[type] = try Self.estimates(group, bootstrap)
        }
        self.byType = byType
    }

    private static func estimates(_ items: [ItemScore], _ bootstrap: Bootstrap) throws(MetricsError) -> [String: MetricEstimate] {
        // Collect in item order so the resampled values, and so the interval, do not depend on
        // dictionary iteration order.
        var columns: [String: [Double]] = [:]
        for item in items {
            for (name, value) in item.values {
                columns[name, default: []].append(value)
            }
        }
        var result: [String: MetricEstimate] = [:]
        for (name, values) in columns {
            result[name] = try bootstrap.estimate(values)
        }
        return result
    }
}

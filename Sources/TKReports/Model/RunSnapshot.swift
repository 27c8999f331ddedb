import Foundation
import TKMetrics
import TKStore

/// A stored run as a report shows it: the run's key and status, its items read for people, and its
/// metrics recomputed from those items with bootstrap intervals.
///
/// The metrics are recomputed rather than read from the stored summary so that a run still in
/// progress (no summary yet) reports what it has, and every report of a run — HTML, `runs compare`,
/// exports — agrees with the items it lists. With the same items and bootstrap settings the numbers
/// equal the `eval` summary's (both reduce the same item scores with `MetricsSummary`).
public struct RunSnapshot: Sendable {
    public var run: StoredRun
    /// Items in index order.
    public var items: [ReportItem]
    /// Overall, per-category and per-type metrics; nil when the run has no readable items yet.
    public var summary: MetricsSummary?
    /// The metrics to show first, in order: the task's headline metrics the run has.
    public var headline: [String]
    /// Facts a reader must know before trusting the numbers (in progress, failed, empty, unreadable items).
    public var notes: [String]
    /// What the finished run's stored summary adds: the model file, tokens computed.
    public var provenance: [(name: String, value: String)]
    /// The stored payloads as written, in index order, for exports that decode the task's own type.
    public var rawPayloads: [(index: Int, payload: Data)]

    /// Reads run `id` from `store`.
    ///
    /// - Throws: `ReportError` naming the run and the store when there is no such run.
    public static func load(id: Int64, from store: ResultStore, bootstrap: Bootstrap = Bootstrap()) throws -> RunSnapshot {
        guard let run = try store.run(id: id) else {
            throw ReportError("There is no run \(id) in \(store.path); `truthkit runs list` shows the runs there are.")
        }
        return try RunSnapshot(run: run, stored: store.items(run: id), bootstrap: bootstrap)
    }

    public init(run: StoredRun, stored: [StoredItem], bootstrap: Bootstrap = Bootstrap()) throws {
        self.run = run
        rawPayloads = stored.map { ($0.index, $0.payload) }
        var items: [ReportItem] = []
        var unreadable: [Int] = []
        for item in stored {
            if let read = ReportItem(payload: item.payload, index: item.index) { items.append(read) } else { unreadable.append(item.index) }
        }
        self.items = items
        var notes: [String] = []
        switch run.status {
        case .running:
            notes.append("Run \(run.id) is still in progress or was interrupted: \(run.completedCount) of \(run.itemCount) items are stored, and the numbers below cover only those. Running the same evaluation again resumes it.")
        case .failed:
            notes.append("Run \(run.id) stopped on an error after \(run.completedCount) of \(run.itemCount) items: \(run.failure ?? "no reason recorded"). The numbers below cover only the stored items.")
        case .finished:
            break
        }
        if items.isEmpty {
            notes.append("Run \(run.id) has no scored items yet, so there are no metrics to show.")
        }
        if !unreadable.isEmpty {
            notes.append("\(unreadable.count) stored item(s) could not be read and are left out (indices \(unreadable.prefix(10).map(String.init).joined(separator: ", "))).")
        }
        let scores = items.map { ItemScore(category: $0.category, type: $0.type, values: $0.metrics.filter { $1.isFinite }) }
        summary = scores.isEmpty ? nil : try MetricsSummary(items: scores, bootstrap: bootstrap)
        let stored = run.summary.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let storedHeadline = stored?["headline"] as? [String] ?? []
        let preferred = storedHeadline + ["mc1", "mc2", "mc3", "binary", "lettered_mc1", "acc", "acc_norm",
                                          "truthful_informative", "truthful", "informative", "bleu_acc", "rouge1_acc", "rougeL_acc"]
        var headline: [String] = []
        for name in preferred where summary?.metrics[name] != nil && !headline.contains(name) { headline.append(name) }
        if headline.isEmpty { headline = (summary?.metrics.keys.sorted() ?? []).prefix(4).map { $0 } }
        self.headline = headline
        self.notes = notes
        provenance = Self.provenance(of: run, storedSummary: stored)
    }

    /// Model, data and settings facts, from the run key and (when finished) its stored summary.
    static func provenance(of run: StoredRun, storedSummary: [String: Any]?) -> [(name: String, value: String)] {
        var facts: [(String, String)] = [
            ("run", "\(run.id) (\(run.status.rawValue), \(run.completedCount)/\(run.itemCount) items)"),
            ("model", run.key.modelName),
        ]
        let model = storedSummary?["model"] as? [String: Any]
        let details = model?["details"] as? [String: String] ?? [:]
        if let path = details["path"] { facts.append(("model file", path)) }
        facts.append(("model fingerprint (SHA-256 and interventions)", run.key.modelFingerprint))
        if let backend = model?["backend"] as? String { facts.append(("backend", backend)) }
        facts.append(("task", "\(run.key.task) (version \(run.key.taskVersion))"))
        facts.append(("data checksum (SHA-256)", run.key.dataChecksum))
        for name in run.key.settings.keys.sorted() { facts.append(("setting: \(name)", run.key.settings[name]!)) }
        if let tokens = storedSummary?["tokens"] as? [String: Any] {
            if let computed = tokens["computed"] as? Int { facts.append(("tokens computed", String(computed))) }
            if let seconds = tokens["seconds"] as? Double { facts.append(("evaluation time", String(format: "%.1f s", seconds))) }
        }
        facts.append(("created", ReportFormat.timestamp(run.createdAt)))
        facts.append(("updated", ReportFormat.timestamp(run.updatedAt)))
        facts.append(("run key", run.keyDigest))
        return facts
    }

    /// Items by index.
    public var itemsByIndex: [Int: ReportItem] {
        Dictionary(items.map { ($0.index, $0) }) { first, _ in first }
    }

    /// The intervention in this run's model fingerprint (`sha256:…+dola(layers=high)` → `dola(layers=high)`), if any.
    public var intervention: String? {
        guard let plus = run.key.modelFingerprint.firstIndex(of: "+") else { return nil }
        return String(run.key.modelFingerprint[run.key.modelFingerprint.index(after: plus)...])
    }

    /// The fingerprint without any intervention: the weights and backend.
    public var baseFingerprint: String {
        String(run.key.modelFingerprint.split(separator: "+", maxSplits: 1).first ?? "")
    }
}

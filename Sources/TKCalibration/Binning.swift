/// How predictions are grouped into bins for ECE, RMS calibration error and reliability diagrams.
///
/// The literature disagrees (methods-round2 §A.1): Kadavath et al. use 10 equal-mass bins over
/// the top prediction; lm-polygraph uses 20 equal-width bins on [0, 1]. The scheme and count are
/// therefore parameters, with both conventions as presets, and every report names the one used.
public struct Binning: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Codable, CaseIterable {
        /// Bin k of n holds confidences in [k/n, (k+1)/n); 1.0 falls in the last bin.
        case equalWidth = "equal-width"
        /// Predictions sorted by confidence (ties kept in input order) and cut into n runs of
        /// near-equal size, the first `N mod n` runs one longer — numpy's `array_split` of the
        /// sorted order. Tied confidences can straddle a cut; each prediction is in one bin.
        case equalMass = "equal-mass"
    }

    public var scheme: Scheme
    public var count: Int

    /// - Precondition: none; `validate()` (called by every metric) rejects `count < 1`.
    public init(scheme: Scheme, count: Int) {
        self.scheme = scheme
        self.count = count
    }

    /// Kadavath et al. 2022: 10 equal-mass bins.
    public static let kadavath = Binning(scheme: .equalMass, count: 10)
    /// lm-polygraph's `ECE`: 20 equal-width bins.
    public static let polygraph = Binning(scheme: .equalWidth, count: 20)

    public var description: String { "\(count) \(scheme.rawValue) bins" }

    /// For each prediction, its bin (0..<count).
    func assign(_ confidences: [Double]) -> [Int] {
        switch scheme {
        case .equalWidth:
            return confidences.map { min(Int($0 * Double(count)), count - 1) }
        case .equalMass:
            let order = confidences.indices.sorted { (confidences[$0], $0) < (confidences[$1], $1) }
            var bins = [Int](repeating: 0, count: confidences.count)
            let base = order.count / count, extra = order.count % count
            var start = 0
            for bin in 0..<count {
                let size = base + (bin < extra ? 1 : 0)
                for position in start..<(start + size) { bins[order[position]] = bin }
                start += size
            }
            return bins
        }
    }
}

import TKKernels

/// A hook that copies activations at chosen points (for probes, DoLa, and tests).
///
/// After a forward pass, `recorded[point]` holds one `[Float]` per batch row.
public final class ActivationRecorder {
    public private(set) var recorded: [HookPoint: [[Float]]] = [:]
    public let points: [HookPoint]

    public init(points: [HookPoint]) {
        self.points = points
    }

    /// Adds the recording functions to `hooks`.
    public func install(into hooks: inout Hooks) {
        for p in points {
            hooks.add(at: p) { [unowned self] m, _ in
                self.recorded[p] = (0..<m.rows).map { m.row($0) }
            }
        }
    }

    public func reset() { recorded = [:] }
}

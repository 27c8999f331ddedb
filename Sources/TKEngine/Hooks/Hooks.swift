import TKKernels

/// What a hook is told about the batch whose activations it sees.
public struct HookContext {
    public let point: HookPoint
    /// Token ids of the batch rows.
    public let tokens: [Int32]
    /// Absolute positions of the batch rows.
    public let positions: [Int32]
    /// Segment of each row (several continuations share a prefix in one batch).
    public let segments: [Int32]
    public let config: ModelConfig
}

/// Called with the activation matrix at its point; it may read it and modify it in place.
public typealias HookFunction = (_ activations: FloatMatrix, _ context: HookContext) -> Void

/// Hooks for one forward pass, grouped by point and run in the order they were added.
///
/// A value type: interventions compose by adding their functions; an empty `Hooks` costs nothing.
public struct Hooks {
    private(set) var handlers: [HookPoint: [HookFunction]] = [:]

    public init() {}

    public var isEmpty: Bool { handlers.isEmpty }

    /// The points that have hooks.
    var points: [HookPoint] { Array(handlers.keys) }

    public mutating func add(at point: HookPoint, _ function: @escaping HookFunction) {
        handlers[point, default: []].append(function)
    }

    /// Checks that every point names a layer the model has.
    public func validate(for config: ModelConfig) throws {
        for point in handlers.keys {
            if let l = point.layer, l < 0 || l >= config.layers {
                throw EngineError(.invalidHook, "hook point \(point) names layer \(l), but the model has layers 0...\(config.layers - 1)")
            }
        }
    }

    func run(_ point: HookPoint, _ activations: FloatMatrix, _ context: () -> HookContext) {
        guard let list = handlers[point], !list.isEmpty else { return }
        let ctx = context()
        for f in list { f(activations, ctx) }
    }
}

import TKKernels

/// Engine settings that change a model's numbers for efficiency: the KV-cache format and which
/// layers run (early exit, layer skipping). `standard` is the engine as it always ran, bit for bit.
///
/// A session applies them to every forward pass, so scoring, generation and the server all see
/// the same model. They belong to a run's identity (`summary`, `settings`).
public struct InferenceOptions: Sendable, Equatable {
    /// How the KV cache stores keys and values (`KVCacheFormat`).
    public var kvCache: KVCacheFormat
    /// Run only the first `exitLayer` blocks, then the final norm and output head (early exit, as
    /// DoLa reads a premature layer); nil runs every block.
    public var exitLayer: Int?
    /// Blocks that do not run: the residual stream passes them unchanged and they cache nothing.
    public var skip: LayerSkip

    /// Which blocks layer skipping leaves out.
    public enum LayerSkip: Sendable, Equatable {
        case none
        /// These block indices (0-based).
        case layers(Set<Int>)
        /// Every k-th block: indices k−1, 2k−1, … (k ≥ 2, so block 0 always runs).
        case every(Int)
    }

    public init(kvCache: KVCacheFormat = .f32, exitLayer: Int? = nil, skip: LayerSkip = .none) {
        self.kvCache = kvCache
        self.exitLayer = exitLayer
        self.skip = skip
    }

    public static let standard = InferenceOptions()

    public var isStandard: Bool { self == .standard }

    /// The blocks skipped in a model of `layers` blocks (before the exit layer or not).
    public func skippedLayers(of layers: Int) -> Set<Int> {
        switch skip {
        case .none: []
        case .layers(let set): set
        case .every(let k): Set(stride(from: k - 1, to: layers, by: k))
        }
    }

    /// The blocks that run, in order, in a model of `layers` blocks.
    public func layersRun(of layers: Int) -> [Int] {
        let skipped = skippedLayers(of: layers)
        return (0..<min(layers, exitLayer ?? layers)).filter { !skipped.contains($0) }
    }

    /// Fraction of the model's block computation a forward pass does (every block of a family
    /// costs the same, so this is blocks run over blocks).
    public func layerFraction(of config: ModelConfig) -> Double {
        Double(layersRun(of: config.layers).count) / Double(config.layers)
    }

    /// Bytes of KV cache per token of a packed cache in this format: keys and values of each
    /// block that runs (a block that does not run caches nothing).
    public func kvBytesPerToken(of config: ModelConfig) -> Double {
        2 * Double(layersRun(of: config.layers).count * config.kvDim) * kvCache.bitsPerElement / 8
    }

    /// Throws unless the options fit a model of `config`: an exit layer within 1…layers, skipped
    /// blocks that exist, and at least one block left to run.
    public func validate(for config: ModelConfig) throws {
        let n = config.layers
        if let exitLayer, !(1...n).contains(exitLayer) {
            throw EngineError(.badConfig, "exit layer \(exitLayer) is outside 1...\(n): the model has \(n) blocks; give how many blocks to run before the output head")
        }
        switch skip {
        case .none: break
        case .layers(let set):
            if let bad = set.sorted().first(where: { !(0..<n).contains($0) }) {
                throw EngineError(.badConfig, "skipped layer \(bad) does not exist: the model's blocks are 0...\(n - 1)")
            }
        case .every(let k):
            guard k >= 2 else { throw EngineError(.badConfig, "skipping every \(k)-th block would skip them all; give 2 or more") }
        }
        if layersRun(of: n).isEmpty {
            throw EngineError(.badConfig, "no block would run (exit layer \(exitLayer.map(String.init) ?? "\(n)"), skipped \(skippedLayers(of: n).sorted())); run at least one")
        }
    }

    /// Throws when a hook point names a block these options do not run (its hook would never fire).
    public func validate(hooks: Hooks, for config: ModelConfig) throws {
        let run = Set(layersRun(of: config.layers))
        for point in hooks.points {
            if let l = point.layer, !run.contains(l) {
                throw EngineError(.invalidHook, "hook point \(point) is on block \(l), which does not run with \(summary); choose a block that runs or drop the early exit / layer skipping")
            }
        }
    }

    /// Run-key settings for the non-standard parts (empty for `standard`).
    public var settings: [String: String] {
        var s: [String: String] = [:]
        if kvCache != .f32 { s["kv_cache"] = kvCache.description }
        if let exitLayer { s["exit_layer"] = String(exitLayer) }
        switch skip {
        case .none: break
        case .layers(let set): s["skip_layers"] = set.sorted().map(String.init).joined(separator: ",")
        case .every(let k): s["skip_every"] = String(k)
        }
        return s
    }

    /// A short label (`kv=kivi2,exit=24`), "standard" when nothing is changed.
    public var summary: String {
        let s = settings
        guard !s.isEmpty else { return "standard" }
        let names = ["kv_cache": "kv", "exit_layer": "exit", "skip_layers": "skip", "skip_every": "skip-every"]
        return s.keys.sorted().map { "\(names[$0] ?? $0)=\(s[$0]!)" }.joined(separator: ",")
    }
}

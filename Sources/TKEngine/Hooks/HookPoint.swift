/// A named place in the forward pass where a hook can read or edit activations.
///
/// - `residual(layer:)`: the residual stream after block `layer` (`n × dim`), named `blocks.L.residual`.
/// - `attentionHeads(layer:)`: each head's attention output before the output projection
///   (`n × heads·headDim`, head h in columns `h·headDim ..< (h+1)·headDim`), named `blocks.L.attn.heads`.
/// - `embedding`: token embeddings entering block 0 (`n × dim`), named `embedding`.
/// - `feedForward(layer:)`: the gated feed-forward's neuron activations, `act(gate)·up` before the
///   down projection (`n × hiddenDim`), named `blocks.L.ffn.act`.
public enum HookPoint: Hashable, Sendable, CustomStringConvertible {
    case embedding
    case residual(layer: Int)
    case attentionHeads(layer: Int)
    case feedForward(layer: Int)

    public var description: String {
        switch self {
        case .embedding: "embedding"
        case .residual(let l): "blocks.\(l).residual"
        case .attentionHeads(let l): "blocks.\(l).attn.heads"
        case .feedForward(let l): "blocks.\(l).ffn.act"
        }
    }

    /// Parses a name as printed by `description`.
    public init(name: String) throws {
        if name == "embedding" { self = .embedding; return }
        let parts = name.split(separator: ".")
        if parts.count >= 3, parts[0] == "blocks", let l = Int(parts[1]) {
            let rest = parts[2...].joined(separator: ".")
            if rest == "residual" { self = .residual(layer: l); return }
            if rest == "attn.heads" { self = .attentionHeads(layer: l); return }
            if rest == "ffn.act" { self = .feedForward(layer: l); return }
        }
        throw EngineError(.invalidHook, "Unknown hook point '\(name)'. Use 'embedding', 'blocks.L.residual', 'blocks.L.attn.heads' or 'blocks.L.ffn.act'")
    }

    var layer: Int? {
        switch self {
        case .embedding: nil
        case .residual(let l), .attentionHeads(let l), .feedForward(let l): l
        }
    }
}

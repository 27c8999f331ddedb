import Foundation
import Testing
import TKEngine
import TKInterventions
import TKKernels
import TKTesting

/// A steering-like activation intervention, only for these tests: adds a fixed vector to the
/// residual stream after block 0.
struct AddToResidual: Intervention {
    var vector: [Float]
    var name: String { "test-add" }
    var settings: [String: String] { ["scale": "\(vector.first ?? 0)"] }
    func hooks(for model: TransformerModel) throws -> Hooks {
        var h = Hooks()
        let v = vector
        h.add(at: .residual(layer: 0)) { m, _ in for r in 0..<m.rows { m.add(v, toRow: r) } }
        return h
    }
}

/// KL of next-token distributions on neutral text, and the tokens/s overhead helper.
@Suite struct InvasivenessTests {
    static let text = "ab cd ef gh. ij kl mn op. qr st uv."

    @Test func identicalDistributionsHaveZeroKL() throws {
        let (_, model) = try tinyModel(layers: 2)
        let tokens = model.tokenizer.encode(Self.text, addSpecial: true)
        let base = try Invasiveness.nextTokenLogProbs(model: model, intervention: nil, tokens: tokens)
        #expect(base.count == tokens.count)
        #expect(Invasiveness.klDivergence(base: base, intervened: base) == 0)
        // A decoding intervention that changes nothing (β = 0, no filter, no penalty) is ~0 too.
        let off = DoLa(layers: .explicit([1]), beta: 0, alpha: 0, repetitionPenalty: 1)
        #expect(try Invasiveness.klDivergence(base: model, intervened: off, text: Self.text) < 1e-6)
        let zeroSteer = AddToResidual(vector: Array(repeating: 0, count: model.config.dim))
        #expect(try Invasiveness.klDivergence(base: model, intervened: zeroSteer, text: Self.text) == 0)
    }

    @Test func interventionsHavePositiveKLThatGrowsWithStrength() throws {
        let (_, model) = try tinyModel(layers: 2)
        let weak = try Invasiveness.klDivergence(base: model, intervened: AddToResidual(vector: Array(repeating: 0.05, count: model.config.dim)), text: Self.text)
        let strong = try Invasiveness.klDivergence(base: model, intervened: AddToResidual(vector: Array(repeating: 0.5, count: model.config.dim)), text: Self.text)
        #expect(weak > 0 && strong > weak, "weak \(weak), strong \(strong)")
        let dola = try Invasiveness.klDivergence(base: model, intervened: DoLa(layers: .explicit([1]), repetitionPenalty: 1), text: Self.text)
        #expect(dola > 0 && dola.isFinite)
        let (_, amateur) = try tinyModel(layers: 2, seed: 9)
        let cd = try Invasiveness.klDivergence(base: model, intervened: ContrastiveDecoding.contrastive(amateur: amateur, label: "a"), text: Self.text)
        #expect(cd > 0 && cd.isFinite)
    }

    @Test func klMatchesAHandComputation() {
        // Two positions over three tokens: KL(q‖p) = Σ q (log q − log p), averaged.
        let p: [[Float]] = [[0.5, 0.25, 0.25], [0.1, 0.2, 0.7]].map { $0.map { Float(log(Double($0))) } }
        let q: [[Float]] = [[0.25, 0.5, 0.25], [0.1, 0.2, 0.7]].map { $0.map { Float(log(Double($0))) } }
        let expected = (0.25 * log(0.25 / 0.5) + 0.5 * log(0.5 / 0.25)) / 2
        #expect(abs(Invasiveness.klDivergence(base: p, intervened: q) - expected) < 1e-6)
    }

    @Test func throughputReportsBothRates() throws {
        let (_, model) = try tinyModel(layers: 2)
        let o = try Invasiveness.throughput(model: model, intervention: DoLa(layers: .explicit([0, 1])), prompt: "ab cd", tokens: 8)
        #expect(o.baseTokensPerSecond > 0 && o.intervenedTokensPerSecond > 0 && o.slowdown.isFinite)
    }

    @Test func emptyTextIsAClearError() throws {
        let (_, model) = try tinyModel(layers: 2)
        #expect(throws: InterventionError.self) { try Invasiveness.klDivergence(base: model, intervened: DoLa(), text: "") }
    }
}

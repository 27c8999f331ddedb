import Foundation
import Testing
import TKBackends
import TKEngine
import TKKernels
import TKTesting
@testable import TKInterventions

@Suite struct ITITests {
    func fitTiny(_ model: TransformerModel, questions: Int = 8, seed: UInt64 = 3) throws -> ITIFit {
        try ITIFitter.fit(model: model, examples: ActivationFixture.examples(questions: questions), dataChecksum: "sha256:tiny-data",
                          folds: 2, seed: seed)
    }

    @Test func fitRanksEveryHeadWithUnitDirectionsFromTheTrainingFold() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try fitTiny(model)
        try fit.validate()
        #expect(fit.folds.count == 2)
        let c = model.config
        for f in fit.folds {
            #expect(f.heads.count == c.layers * c.heads)
            #expect(zip(f.heads, f.heads.dropFirst()).allSatisfy { $0.validationAccuracy >= $1.validationAccuracy })
            for h in f.heads {
                let norm = h.direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(norm - 1) < 1e-5)
                #expect(h.sigma > 0)
            }
            let held = Set(fit.heldOutQuestions(fold: f.fold))
            #expect(held.isDisjoint(with: f.probeTrainingQuestions + f.probeValidationQuestions))
            #expect(Set(f.probeTrainingQuestions + f.probeValidationQuestions) == Set(fit.trainingQuestions(fold: f.fold)))
        }
        #expect(Set(fit.heldOutQuestions(fold: 0)).union(fit.heldOutQuestions(fold: 1)) == Set(100..<108))
    }

    /// Direction and σ of one head, computed here from the raw activations of the training
    /// questions only, equal the fit's.
    @Test func directionAndSigmaComeFromTrainingQuestionsOnly() throws {
        let (_, model) = try ActivationFixture.load()
        let examples = ActivationFixture.examples()
        let acts = try ActivationCollector(model: model).collect(examples)
        let split = try QuestionFolds(questions: Array(100..<108), count: 2, seed: 3)
        let fit = try ITIFitter.fit(activations: acts, split: split, signature: ModelSignature(model: model), dataChecksum: "d")
        let training = Set(split.training(fold: 1))
        let rows = examples.indices.filter { training.contains(examples[$0].questionIndex) }
        let head = try #require(fit.folds[1].heads.first { $0.layer == 1 && $0.head == 3 })
        let vectors = rows.map { Array(acts.head(example: $0, layer: 1, head: 3)).map(Double.init) }
        let truths = rows.map { examples[$0].isTrue }
        func mean(_ vs: [[Double]]) -> [Double] { (0..<vs[0].count).map { j in vs.map { $0[j] }.reduce(0, +) / Double(vs.count) } }
        let diff = zip(mean(zip(vectors, truths).filter(\.1).map(\.0)), mean(zip(vectors, truths).filter { !$0.1 }.map(\.0))).map { $0 - $1 }
        let norm = diff.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let unit = diff.map { $0 / norm }
        #expect(ActivationFixture.maxAbsDiff(head.direction, unit.map(Float.init)) < 1e-6)
        let projections = vectors.map { zip($0, unit).reduce(0) { $0 + $1.0 * $1.1 } }
        let m = projections.reduce(0, +) / Double(projections.count)
        let sigma = (projections.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(projections.count)).squareRoot()
        #expect(abs(Double(head.sigma) - sigma) < 1e-5)
    }

    /// Changing the held-out questions' activations changes nothing in that fold's fit; changing a
    /// training question's does (so the check can fail).
    @Test func heldOutActivationsDoNotLeakIntoTheFit() throws {
        let (_, model) = try ActivationFixture.load()
        let examples = ActivationFixture.examples()
        let acts = try ActivationCollector(model: model).collect(examples)
        let split = try QuestionFolds(questions: Array(100..<108), count: 2, seed: 3)
        let signature = ModelSignature(model: model)
        let base = try ITIFitter.fit(activations: acts, split: split, signature: signature, dataChecksum: "d")
        func perturbed(_ questions: Set<Int>) -> CollectedActivations {
            var p = acts
            for i in p.headValues.indices where questions.contains(p.questionIndices[i]) {
                p.headValues[i] = p.headValues[i].enumerated().map { $1 * 3 + Float($0 % 7) - 2 }
                p.labels[i] = p.labels[i]  // labels stay; only activations move
            }
            return p
        }
        let heldOut0 = Set(split.heldOut(fold: 0))
        let refit = try ITIFitter.fit(activations: perturbed(heldOut0), split: split, signature: signature, dataChecksum: "d")
        #expect(refit.folds[0] == base.folds[0], "fold 0 must not depend on its held-out questions")
        #expect(refit.folds[1] != base.folds[1], "fold 1 trains on those questions, so it must change")
    }

    @Test func alphaZeroReproducesTheBaselineBitForBit() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try fitTiny(model)
        let iti = try ITIIntervention(fit: fit, fold: 0, alpha: 0, k: 8)
        let hooks = try iti.hooks(for: model)
        #expect(!hooks.isEmpty, "the hooks run; they must add exact zeros")
        let baseline = try ActivationFixture.logits(model, ActivationFixture.tokens)
        #expect(try ActivationFixture.logits(model, ActivationFixture.tokens, hooks: hooks) == baseline)
    }

    /// The engine with ITI hooks equals the naive reference with α·σ·direction added to the same
    /// heads at every position.
    @Test func headShiftMatchesTheNaiveReference() throws {
        let (tiny, model) = try ActivationFixture.load()
        let fit = try fitTiny(model)
        let alpha = 3.0, k = 3
        let iti = try ITIIntervention(fit: fit, fold: 1, alpha: alpha, k: k)
        #expect(iti.selectedHeads == Array(fit.folds[1].heads.prefix(k)))
        var edits = NaiveTransformer.Edits()
        for h in fit.folds[1].heads.prefix(k) {
            edits.headAdd[h.layer, default: [:]][h.head] = h.direction.map { Float(alpha) * h.sigma * $0 }
        }
        let tokens = ActivationFixture.tokens
        let reference = NaiveTransformer(model: tiny).forward(tokens, edits: edits).logits.flatMap { $0 }
        let plain = NaiveTransformer(model: tiny).forward(tokens).logits.flatMap { $0 }
        let shifted = try ActivationFixture.logits(model, tokens, hooks: try iti.hooks(for: model))
        #expect(ActivationFixture.maxAbsDiff(shifted, reference) < 2e-4)
        #expect(ActivationFixture.maxAbsDiff(reference, plain) > 1e-3, "the shift must change the output")
    }

    @Test func savesLoadsAndParsesFromAnInterventionSpec() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try fitTiny(model)
        let path = ActivationFixture.temporaryPath("iti")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.write(to: path)
        let loaded = try ITIFit.load(path: path)
        #expect(loaded == fit)
        let iti = try #require(try MethodRegistry.make(InterventionSpec(parsing: "iti:file=\(path),alpha=2.5,k=4,fold=1"), for: model) as? ITIIntervention)
        #expect(iti.alpha == 2.5 && iti.k == 4 && iti.fold == 1)
        #expect(iti.name == "iti")
        #expect(iti.settings["fit"] == fit.digest && iti.settings["k"] == "4" && iti.settings["data"] == "sha256:tiny-data")
        let other = try ITIIntervention(fit: fit, fold: 1, alpha: 2.5, k: 5)
        #expect(other.summary != iti.summary)
        try iti.validate(for: model)
        #expect(throws: InterventionError.self) { try MethodRegistry.make(InterventionSpec(parsing: "iti:file=\(path),beta=1"), for: model) }
        #expect(throws: InterventionError.self) { try MethodRegistry.make(InterventionSpec(parsing: "iti:file=\(path),alpha=500"), for: model) }
        #expect(throws: InterventionError.self) { try MethodRegistry.make(InterventionSpec(parsing: "iti:alpha=5"), for: model) }
    }

    @Test func incompatibleFitsFailBeforeScoring() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try fitTiny(model)
        let iti = try ITIIntervention(fit: fit, fold: 0, alpha: 5, k: 4)

        // Another shape: two heads of 16 instead of four of 8.
        let (_, twoHeads) = try ActivationFixture.load { $0.heads = 2; $0.kvHeads = 1 }
        #expect { try iti.hooks(for: twoHeads) } throws: { ($0 as? ActivationFitError)?.code == .incompatibleModel }
        // Another model of the same shape (another architecture name and GGUF name).
        let (_, qwen) = try ActivationFixture.load { $0.architecture = "qwen2" }
        #expect { try iti.hooks(for: qwen) } throws: { ($0 as? ActivationFitError)?.code == .incompatibleModel }
        // Same shape and name, other weights (another seed): only the weight digest tells them apart.
        let otherWeights = TinyModel(seed: 99)
        let otherPath = try otherWeights.writeToTemporaryFile()
        defer { try? FileManager.default.removeItem(atPath: otherPath) }
        let sameShape = try TransformerModel(path: otherPath)
        #expect(ModelSignature(model: sameShape).name == fit.model.name)
        #expect { try iti.hooks(for: sameShape) } throws: {
            ($0 as? ActivationFitError)?.code == .incompatibleModel && "\($0)".contains("weights differ")
        }
        // Same shape, other GGUF name.
        var renamed = fit
        renamed.model.name = "SmolLM2 135M"
        #expect { try ITIIntervention(fit: renamed, alpha: 5, k: 4).hooks(for: model) } throws: { ($0 as? ActivationFitError)?.code == .incompatibleModel }
        // Another file fingerprint.
        var fingerprinted = fit
        fingerprinted.model.fingerprint = "sha256:aaaa"
        #expect { try fingerprinted.checkModel(model, fingerprint: "sha256:bbbb") } throws: { ($0 as? ActivationFitError)?.code == .incompatibleModel }
        try fingerprinted.checkModel(model, fingerprint: "sha256:aaaa")
        // Other data.
        #expect { try fit.checkData(checksum: "sha256:other") } throws: { ($0 as? ActivationFitError)?.code == .incompatibleData }
        try fit.checkData(checksum: "sha256:tiny-data")
        #expect { try iti.checkData(checksum: "sha256:other") } throws: { ($0 as? ActivationFitError)?.code == .incompatibleData }
        // A question scored with the fit that trained on it.
        let q = fit.heldOutQuestions(fold: 0)[0]
        try fit.checkHeldOut(question: q, fold: 0)
        #expect { try fit.checkHeldOut(question: q, fold: 1) } throws: { ($0 as? ActivationFitError)?.code == .incompatibleData }

        // Ranges.
        #expect { try ITIIntervention(fit: fit, fold: 2, alpha: 5, k: 4) } throws: { ($0 as? ActivationFitError)?.code == .unknownLocation }
        #expect { try ITIIntervention(fit: fit, alpha: 101, k: 4) } throws: { ($0 as? ActivationFitError)?.code == .outOfRange }
        #expect { try ITIIntervention(fit: fit, alpha: .nan, k: 4) } throws: { ($0 as? ActivationFitError)?.code == .outOfRange }
        #expect { try ITIIntervention(fit: fit, alpha: 5, k: 0) } throws: { ($0 as? ActivationFitError)?.code == .outOfRange }
        #expect { try ITIIntervention(fit: fit, alpha: 5, k: 9) } throws: { ($0 as? ActivationFitError)?.code == .outOfRange }

        // Damaged files: a head outside the model, a wrong direction length, a leaked question.
        var badHead = fit
        badHead.folds[0].heads[0].head = 4
        #expect { try ITIIntervention(fit: badHead, alpha: 5, k: 4) } throws: { ($0 as? ActivationFitError)?.code == .badFile }
        var badDirection = fit
        badDirection.folds[1].heads[2].direction.removeLast()
        #expect { try badDirection.validate() } throws: { ($0 as? ActivationFitError)?.code == .badFile }
        var leaked = fit
        leaked.folds[0].probeTrainingQuestions.append(q)
        #expect { try leaked.validate() } throws: { ($0 as? ActivationFitError)?.code == .badFile }
        let path = ActivationFixture.temporaryPath("not-a-fit")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"kind\": \"something\"}".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try ITIFit.load(path: path) } throws: { ($0 as? ActivationFitError)?.code == .badFile }
        #expect { try ITIFit.load(path: path + ".missing") } throws: { ($0 as? ActivationFitError)?.code == .badFile }
    }
}

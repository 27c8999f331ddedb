import Foundation
import Testing
import TKEngine
import TKKernels
import TKTesting
@testable import TKInterventions

@Suite struct ActivationCollectorTests {
    /// The collector runs a question's shared prefix once and its answers as branches; every
    /// answer's last-token activations must equal those of running that prompt alone.
    @Test func sharedPrefixBranchesMatchRunningEachPromptAlone() throws {
        let (_, model) = try ActivationFixture.load()
        let examples = Array(ActivationFixture.examples(questions: 3))
        let collected = try ActivationCollector(model: model).collect(examples, heads: true, residualLayers: [0, 1])
        #expect(collected.count == examples.count)
        let c = model.config
        for (i, e) in examples.enumerated() {
            let ids = model.tokenizer.encode(e.prompt, addSpecial: true)
            let points = (0..<c.layers).flatMap { [HookPoint.attentionHeads(layer: $0), .residual(layer: $0)] }
            let recorder = ActivationRecorder(points: points)
            var hooks = Hooks()
            recorder.install(into: &hooks)
            try InferenceSession(model: model).forward(.sequence(ids, startingAt: 0), hooks: hooks)
            let heads = (0..<c.layers).flatMap { recorder.recorded[.attentionHeads(layer: $0)]!.last! }
            #expect(ActivationFixture.maxAbsDiff(collected.headValues[i], heads) < 1e-4)
            for l in 0..<c.layers {
                #expect(ActivationFixture.maxAbsDiff(collected.residuals[l]![i], recorder.recorded[.residual(layer: l)]!.last!) < 1e-4)
            }
        }
        // The slicing helper addresses head h of layer l.
        let h = collected.head(example: 1, layer: 1, head: 2)
        #expect(Array(h) == Array(collected.headValues[1][((1 * c.heads + 2) * c.headDim)..<((1 * c.heads + 3) * c.headDim)]))
    }

    @Test func rejectsUnknownLayersAndEmptyPrompts() throws {
        let (_, model) = try ActivationFixture.load()
        let collector = ActivationCollector(model: model)
        #expect(throws: ActivationFitError.self) { try collector.collect(ActivationFixture.examples(questions: 1), residualLayers: [2]) }
        #expect(throws: ActivationFitError.self) {
            try collector.collect([ProbeExample(questionIndex: 0, prompt: "", isTrue: true)])
        }
    }
}

@Suite struct ActivationFoldTests {
    @Test func foldsPartitionQuestionsAndNeverShareOne() throws {
        let questions = Array(stride(from: 3, to: 300, by: 7))
        for count in [2, 3, 5] {
            let folds = try QuestionFolds(questions: questions, count: count, seed: 11)
            var seen: [Int] = []
            for f in 0..<count {
                let test = Set(folds.heldOut(fold: f)), train = Set(folds.training(fold: f))
                #expect(test.isDisjoint(with: train))
                #expect(test.union(train) == Set(questions))
                let (probeTrain, probeValidation) = folds.probeSplit(fold: f, validationFraction: 0.2)
                #expect(Set(probeTrain).isDisjoint(with: probeValidation))
                #expect(Set(probeTrain).union(probeValidation) == train)
                #expect(Set(probeTrain + probeValidation).isDisjoint(with: test))
                #expect(abs(probeValidation.count - Int((Double(train.count) * 0.2).rounded())) <= 1)
                seen += test
            }
            #expect(seen.sorted() == questions, "every question is held out exactly once")
            let sizes = (0..<count).map { folds.heldOut(fold: $0).count }
            #expect(sizes.max()! - sizes.min()! <= 1)
        }
    }

    @Test func splitDependsOnlyOnTheSeed() throws {
        let questions = Array(0..<100)
        let a = try QuestionFolds(questions: questions, count: 2, seed: 1)
        #expect(try QuestionFolds(questions: questions.reversed(), count: 2, seed: 1) == a)
        #expect(try QuestionFolds(questions: questions, count: 2, seed: 2) != a)
        // Not simply the first half and the second half.
        #expect(a.heldOut(fold: 0) != Array(0..<50) && a.heldOut(fold: 0) != Array(50..<100))
    }

    @Test func roundTripsThroughJSONAndRejectsBadSplits() throws {
        let a = try QuestionFolds(questions: Array(0..<9), count: 3, seed: 5)
        let data = try JSONEncoder().encode(a)
        #expect(try JSONDecoder().decode(QuestionFolds.self, from: data) == a)
        #expect(throws: ActivationFitError.self) { try QuestionFolds(questions: [1, 2, 3], count: 1, seed: 0) }
        #expect(throws: ActivationFitError.self) { try QuestionFolds(questions: [1], count: 2, seed: 0) }
        #expect(throws: ActivationFitError.self) { try QuestionFolds(questions: [1, 1, 2], count: 2, seed: 0) }
        #expect(throws: ActivationFitError.self) { try QuestionFolds(count: 2, seed: 0, assignment: [1: 2]) }
    }
}

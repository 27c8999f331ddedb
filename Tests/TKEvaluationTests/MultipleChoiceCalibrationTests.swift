import Foundation
import Testing
import TKBenchmarks
import TKEvalCore
import TKEvaluation

/// `calibrate` on a generic `mc` run: the stored options' scores are read back as MC1.
struct MultipleChoiceCalibrationTests {
    @Test func aGenericMultipleChoiceRunIsCalibratedFromItsStoredScores() async throws {
        let folder = try TemporaryFolder()
        let data = try MultipleChoiceDataset.load(path: try folder.file("mc.jsonl", """
            {"question": "2+2?", "choices": ["3", "4", "5"], "answer": 1}
            {"question": "Sky colour?", "choices": ["green", "blue"], "answer": 1}

            """))
        let model = ScriptedModel(scores: [
            "Question: 2+2?\nAnswer:": [" 3": -3, " 4": -0.1, " 5": -3],
            "Question: Sky colour?\nAnswer:": [" green": -0.2, " blue": -0.5],
        ])
        let store = try folder.store()
        let outcome = try await Evaluator(store: store).run(MultipleChoiceTask(), items: data.items, model: model,
                                                            data: DatasetIdentity(checksum: data.checksum, itemCount: data.items.count, path: data.fileURL.path))
        let (run, calibration) = try MultipleChoiceCalibration.load(store: store, runID: outcome.runID)
        #expect(run.key.task == "mc")
        let records = try calibration.records()
        // numpy: softmax([-3, -0.1, -3]).max() = 0.9008632106404211 (correct); softmax([-0.2, -0.5]).max()
        // = 0.5744425168116589 (the wrong option, "green").
        #expect(records.map(\.correct) == [true, false])
        #expect(abs(records[0].confidence - 0.9008632106404211) < 1e-12)
        #expect(abs(records[1].confidence - 0.5744425168116589) < 1e-12)
    }
}

import Foundation
import Testing
import TKBenchmarks
@testable import TKReports

@Suite struct ReportItemTests {
    @Test func multipleChoicePayloadMarksCorrectAnswerAndTopScoringPick() throws {
        let payload = try FixtureStore.encoder.encode(FixtureStore.mcItem(4, category: "Law", pick: 2, mc2: 0.3))
        let item = try #require(ReportItem(payload: payload))
        #expect(item.index == 4 && item.category == "Law")
        #expect(item.choices.map(\.isCorrect) == [true, false, false])
        #expect(item.choices.map(\.isPick) == [false, false, true])
        #expect(item.isWrong)
    }

    @Test func generationPayloadCarriesAnswerReferenceAndVerdict() throws {
        let payload = try FixtureStore.encoder.encode(FixtureStore.genItem(1, category: "Health", answer: "No.", bleuAcc: 1, truthful: false))
        let item = try #require(ReportItem(payload: payload))
        #expect(item.answer == "No." && item.reference == "Reference 1")
        #expect(item.verdicts == [.init(judge: "judge-1", truthful: false, informative: true)])
        // The judge's verdict decides, not BLEU's (bleu_acc is 1 here).
        #expect(item.isWrong)
    }

    @Test func letteredPayloadPicksTheParsedLetter() throws {
        let json = #"{"index":2,"question":"Q?","options":["a","b","c"],"correctLetter":"B","response":" C.","parsedLetter":"C","metrics":{"lettered_mc1":0,"lettered_unparsed":0}}"#
        let item = try #require(ReportItem(payload: Data(json.utf8)))
        #expect(item.choices.map(\.isCorrect) == [false, true, false])
        #expect(item.choices.map(\.isPick) == [false, false, true])
        #expect(item.answer == " C." && item.isWrong)
    }

    @Test func genericMultipleChoicePayloadUsesTheAnswerIndex() throws {
        let json = #"{"index":0,"question":"Q?","choices":["x","y"],"answer":1,"scores":[-3.0,-1.0],"tokenCounts":[1,1],"metrics":{"acc":1,"acc_norm":1,"prob_correct":0.88}}"#
        let item = try #require(ReportItem(payload: Data(json.utf8)))
        #expect(item.choices.map(\.isCorrect) == [false, true] && item.choices.map(\.isPick) == [false, true])
        #expect(!item.isWrong && item.answer == nil)
    }

    @Test func unreadablePayloadIsNil() {
        #expect(ReportItem(payload: Data("[1,2]".utf8)) == nil)
        #expect(ReportItem(payload: Data("{\"question\":\"no index\"}".utf8)) == nil)
    }
}

import Testing
@testable import TKJudges

@Test func TKJudgesModuleBuilds() {
    #expect(String(describing: TKJudgesModule.self) == "TKJudgesModule")
}

import Testing
@testable import TKInterventions

@Test func TKInterventionsModuleBuilds() {
    #expect(String(describing: TKInterventionsModule.self) == "TKInterventionsModule")
}

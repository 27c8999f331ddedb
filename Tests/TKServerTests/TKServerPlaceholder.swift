import Testing
@testable import TKServer

@Test func TKServerModuleBuilds() {
    #expect(String(describing: TKServerModule.self) == "TKServerModule")
}

import Testing
@testable import TKChatTemplate

@Test func TKChatTemplateModuleBuilds() {
    #expect(String(describing: TKChatTemplateModule.self) == "TKChatTemplateModule")
}

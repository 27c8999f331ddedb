import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import TKReports
@testable import TKServer

@Suite struct RunBrowserTests {
    @Test func servesTheListAndEachRunsReportReadOnly() async throws {
        let fixture = try FixtureStore()
        let run = try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: FixtureStore.mcResults)
        let app = Application(router: RunBrowser(storePath: fixture.store.path).makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/runs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<a href=\"/runs/\(run.id)\">\(run.id)</a>"))
            }
            try await client.execute(uri: "/runs/\(run.id)", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("<section id=\"items-\(run.id)\""))
            }
            try await client.execute(uri: "/runs/99", method: .get) { response in
                #expect(response.status == .notFound && String(buffer: response.body).contains("There is no run 99"))
            }
            try await client.execute(uri: "/runs/compare?ids=\(run.id),99", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("There is no run 99"))
            }
            try await client.execute(uri: "/runs/\(run.id)", method: .delete) { response in
                #expect(response.status == .notFound || response.status == .methodNotAllowed)
            }
        }
        #expect(try fixture.store.run(id: run.id) != nil)
    }

    @Test func aKeyIsRequiredWhenSetAsBearerOrQuery() async throws {
        let fixture = try FixtureStore()
        try fixture.run(task: "truthfulqa-mc", itemCount: 3, results: FixtureStore.mcResults)
        let app = Application(router: RunBrowser(storePath: fixture.store.path, apiKey: "s3cret").makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/runs", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/runs?key=wrong", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/runs", method: .get, headers: [.authorization: "Bearer s3cret"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/runs?key=s3cret", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("href=\"/runs/1?key=s3cret\""))
            }
        }
    }
}

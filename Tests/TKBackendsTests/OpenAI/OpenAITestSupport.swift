import Foundation
@testable import TKBackends

/// A clock that only moves when the client sleeps, so minutes of backoff take no time, and a
/// log of every sleep. Jitter is fixed at `unit`.
final class VirtualTime: Sendable {
    private let state = MutexBox<(now: Duration, sleeps: [Duration])>((.zero, []))
    let unit: Double

    init(unit: Double = 0.5) { self.unit = unit }

    var sleeps: [Duration] { state.value.sleeps }
    var totalSlept: Duration { state.value.sleeps.reduce(.zero, +) }

    var timing: OpenAITiming {
        let unit = unit
        return OpenAITiming(
            now: { [state] in state.value.now },
            sleep: { [state] duration in
                try Task.checkCancellation()
                state.mutate { $0.now += duration; $0.sleeps.append(duration) }
                await Task.yield()
            },
            random: { unit }
        )
    }
}

enum OpenAITest {
    /// A configuration for tests: short timeouts, small backoff, the fake's model.
    static func configuration(
        _ endpoints: [URL], model: String = "fake-model", concurrency: Int = 1, maxRetries: Int = 3,
        // Long enough that a healthy answer never times out while the whole suite runs in parallel
        // on two cores (a retry would change the request counts the tests assert); the timeout
        // tests set their own.
        timeout: Duration = .seconds(240), apiKey: String? = "sk-test", unhealthyAfter: Int = 3, api: OpenAIAPI = .completions
    ) -> OpenAIConfiguration {
        OpenAIConfiguration(
            endpoints: endpoints, model: model, apiKey: apiKey, concurrency: concurrency, timeout: timeout, maxRetries: maxRetries,
            backoffBase: .milliseconds(100), backoffCap: .seconds(2), unhealthyAfter: unhealthyAfter, cooldown: .seconds(10), api: api
        )
    }

    /// Runs `body` with a model for `configuration`, shutting it down afterwards whatever happens.
    static func withModel<T: Sendable>(
        _ configuration: OpenAIConfiguration, time: VirtualTime = VirtualTime(),
        _ body: @Sendable (OpenAIModel) async throws -> T
    ) async throws -> T {
        let model = try OpenAIModel(configuration: configuration, timing: time.timing)
        do {
            let value = try await body(model)
            try await model.shutdown()
            return value
        } catch {
            try? await model.shutdown()
            throw error
        }
    }

    /// The error `body` throws, as an `OpenAIError` (nil when it throws none or another kind).
    static func openAIError(_ body: () async throws -> Void) async -> OpenAIError? {
        do {
            try await body()
            return nil
        } catch let error as OpenAIError {
            return error
        } catch {
            return nil
        }
    }
}

import Foundation
import Testing
@testable import TKBackends

@Suite struct OpenAIConfigurationTests {
    @Test func environmentFillsWhatFlagsLeaveOut() throws {
        let environment = ["OPENAI_BASE_URL": "http://gpu1:8000/v1", "OPENAI_API_KEY": "sk-env"]
        let fromEnvironment = try OpenAIConfiguration.fromEnvironment(environment, model: "m")
        #expect(fromEnvironment.endpoints == [URL(string: "http://gpu1:8000/v1")!])
        #expect(fromEnvironment.apiKey == "sk-env")
        let fromFlags = try OpenAIConfiguration.fromEnvironment(
            environment, model: "m", endpoints: [URL(string: "http://gpu2:8000/v1")!], apiKey: "sk-flag"
        )
        #expect(fromFlags.endpoints == [URL(string: "http://gpu2:8000/v1")!])
        #expect(fromFlags.apiKey == "sk-flag")
        let defaults = try OpenAIConfiguration.fromEnvironment([:], model: "m")
        #expect(defaults.endpoints == [URL(string: "https://api.openai.com/v1")!])
        #expect(defaults.apiKey == nil)
        #expect(throws: OpenAIError.self) { try OpenAIConfiguration.fromEnvironment(["OPENAI_BASE_URL": "not a url"], model: "m") }
    }

    @Test func endpointsAreNormalisedAndChecked() throws {
        let configuration = OpenAIConfiguration(
            endpoints: ["http://a:8000", "http://b:8000/v1/", "http://a:8000/v1", "https://c/openai/v1"].map { URL(string: $0)! }, model: "m"
        )
        #expect(try configuration.validatedEndpoints().map(\.absoluteString) == ["http://a:8000/v1", "http://b:8000/v1", "https://c/openai/v1"])
        for bad in [
            OpenAIConfiguration(endpoints: [], model: "m"),
            OpenAIConfiguration(endpoints: [URL(string: "ftp://a/v1")!], model: "m"),
            OpenAIConfiguration(endpoints: [URL(string: "http://a/v1")!], model: " "),
            OpenAIConfiguration(endpoints: [URL(string: "http://a/v1")!], model: "m", concurrency: 0),
        ] {
            let error = #expect(throws: OpenAIError.self) { try bad.validatedEndpoints() }
            #expect(error?.code == .invalidConfiguration)
        }
    }
}

@Suite struct RetryScheduleTests {
    @Test func fullJitterStaysUnderADoublingCeilingUpToTheCap() {
        let schedule = RetrySchedule(base: .milliseconds(100), cap: .seconds(1), maxRetryAfter: .seconds(60))
        #expect(schedule.backoff(retry: 0, unit: 1) == .milliseconds(100))
        #expect(schedule.backoff(retry: 2, unit: 1) == .milliseconds(400))
        #expect(schedule.backoff(retry: 10, unit: 1) == .seconds(1))
        #expect(schedule.backoff(retry: 3, unit: 0.5) == .milliseconds(400))
        #expect(schedule.backoff(retry: 3, unit: 0) == .zero)
        #expect(schedule.honoured(.seconds(600)) == .seconds(60))
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        #expect(RetrySchedule.parseRetryAfter("7") == .seconds(7))
        #expect(RetrySchedule.parseRetryAfter(" 1.5 ") == .milliseconds(1500))
        let now = Date(timeIntervalSince1970: 1_445_412_460)  // Wed, 21 Oct 2015 07:27:40 GMT
        #expect(RetrySchedule.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(20))
        #expect(RetrySchedule.parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == .zero)
        #expect(RetrySchedule.parseRetryAfter("soon") == nil)
        #expect(RetrySchedule.parseRetryAfter("-3") == nil)
    }
}

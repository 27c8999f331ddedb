import Foundation
import Testing
@testable import TKStore

struct RunKeyTests {
    private let key = RunKey(
        modelName: "smollm2", modelFingerprint: "sha256:ff00", task: "truthfulqa_mc", taskVersion: "1",
        dataChecksum: "abc123", settings: ["preset": "qa", "note": "café \"quoted\" a/b\n\t\u{01}", "fewshot": "6"]
    )

    @Test func canonicalJSONIsExactlyTheDocumentedBytes() {
        // Also what Python's json.dumps(key, sort_keys=True, separators=(",", ":"), ensure_ascii=False) gives.
        let expected = #"{"dataChecksum":"abc123","modelFingerprint":"sha256:ff00","settings":{"fewshot":"6","note":"café \"quoted\" a/b\n\t\u0001","preset":"qa"},"task":"truthfulqa_mc","taskVersion":"1"}"#
        #expect(String(decoding: key.canonicalJSON, as: UTF8.self) == expected)
    }

    @Test func digestIsTheSHA256OfTheCanonicalJSON() {
        // hashlib.sha256(<the bytes above>).hexdigest()
        #expect(key.digest == "d73cbe26c9ca994b4508ef69e0abe8241e6bda02c5f7d379feb4b6e9bd0c863d")
    }

    @Test func digestIgnoresTheModelNameButNotAnyHashedPart() {
        var renamed = key
        renamed.modelName = "another-name"
        #expect(renamed.digest == key.digest)

        let changes: [(inout RunKey) -> Void] = [
            { $0.modelFingerprint = "sha256:ff01" },
            { $0.task = "truthfulqa_gen" },
            { $0.taskVersion = "2" },
            { $0.dataChecksum = "abc124" },
            { $0.settings["seed"] = "1" },
            { $0.settings["preset"] = "null" },
        ]
        for change in changes {
            var changed = key
            change(&changed)
            #expect(changed.digest != key.digest)
        }
    }

    @Test func keysSortByUTF8BytesNotByLocale() {
        // "Z" (0x5A) < "a" (0x61) < "é" (0xC3 0xA9) in UTF-8.
        let bytes = CanonicalJSON.encode(["é": "3", "a": "2", "Z": "1"])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"Z":"1","a":"2","é":"3"}"#)
    }
}

import Foundation
import Testing
import TKBackends
import TKEngine
import TKInterventions

/// `--intervention NAME[:key=value,…]`: syntax, typed getters, and the errors bad input gets
/// before any scoring starts.
@Suite struct SpecParsingTests {
    @Test func parsesNameAndParametersWithListValues() throws {
        let s = try InterventionSpec(parsing: "dola:layers=16,18,20,norm=final, beta=0.5")
        #expect(s.name == "dola")
        #expect(s.parameters == ["layers": "16,18,20", "norm": "final", "beta": "0.5"])
        #expect(try InterventionSpec(parsing: "icd") == InterventionSpec(name: "icd"))
        #expect(try InterventionSpec(parsing: s.description) == s)
    }

    func expectError(_ code: InterventionError.Code, _ text: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(text) was accepted; expected \(code)", sourceLocation: sourceLocation)
        } catch let e as InterventionError {
            #expect(e.code == code, "\(text): \(e.message)", sourceLocation: sourceLocation)
            #expect(!e.message.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(text) threw \(error), expected InterventionError \(code)", sourceLocation: sourceLocation)
        }
    }

    @Test func syntaxErrors() {
        for bad in ["", ":beta=1", "dola:=3", "dola:16", "dola:beta=1,beta=2", "do la"] {
            #expect(throws: InterventionError.self, "\(bad)") { try InterventionSpec(parsing: bad) }
        }
    }

    @Test func dolaSpecBuildsTheConfiguredMethod() throws {
        let (_, model) = try tinyModel(layers: 4)
        func dola(_ text: String) throws -> DoLa { try #require(try MethodRegistry.make(InterventionSpec(parsing: text), for: model) as? DoLa) }
        let d = try dola("dola:layers=0,2,norm=final,beta=0.5,alpha=0.2,penalty=1")
        #expect(d.layers == .explicit([0, 2]))
        #expect(d.norm == .final)
        #expect(d.beta == 0.5 && d.alpha == 0.2 && d.repetitionPenalty == 1)
        let defaults = try dola("dola")
        #expect(defaults.layers == .high && defaults.norm == .none && defaults.alpha == 0.1 && defaults.repetitionPenalty == 1.2)
        #expect(defaults.settings["norm"] == "none")
    }

    @Test func badValuesNameTheKey() {
        let cases: [(String, InterventionError.Code)] = [
            ("dola:alpha=1.5", .badValue), ("dola:alpha=-0.1", .badValue), ("dola:beta=-1", .badValue),
            ("dola:beta=abc", .badValue), ("dola:layers=mid", .badLayers), ("dola:layers=1,x", .badLayers),
            ("dola:norm=layer", .badValue), ("dola:depth=3", .unknownKey), ("dola:penalty=0.5", .badValue),
        ]
        for (text, code) in cases {
            expectError(code, text) { try MethodRegistry.check(InterventionSpec(parsing: text)) }
        }
    }

    @Test func loaderRejectsUnknownMethodsMissingModelsAndBadRanges() throws {
        let (_, model) = try tinyModel(layers: 2)
        let cases: [(String, InterventionError.Code)] = [
            ("nope", .unknownMethod), ("cd", .missingKey), ("cd:amateur=/no/such/file.gguf", .badValue),
            ("cd:amateur=x,beta=-2", .badValue), ("icd:alpha=2", .badValue), ("icd:induce=/no/such/prompt.txt", .badValue),
            ("proxy:alpha=0", .missingKey),
            // Every required key is checked before any file is opened.
            ("proxy:tuned=/no/such.gguf", .missingKey), ("proxy:tuned=/no/such.gguf,untuned=/no/other.gguf", .badValue), ("dola:layers=9", .badLayers), ("icd:temperature=1", .unknownKey),
        ]
        for (text, code) in cases {
            expectError(code, text) { _ = try MethodRegistry.make(InterventionSpec(parsing: text), for: model) }
        }
        let icd = try MethodRegistry.make(InterventionSpec(parsing: "icd:beta=0.5"), for: model)
        #expect(icd.name == "icd" && icd.settings["beta"] == "0.5" && icd.settings["amateur.0"] == "induce-default")
    }

    @Test func loadWithSpecFingerprintsTheIntervention() async throws {
        let tiny = TKTestingTiny.path()
        defer { try? FileManager.default.removeItem(atPath: tiny) }
        let plain = try NativeModel.load(path: tiny)
        let dola = try NativeModel.load(path: tiny, intervention: InterventionSpec(parsing: "dola:layers=1"))
        let other = try NativeModel.load(path: tiny, intervention: InterventionSpec(parsing: "dola:layers=1,beta=0.5"))
        #expect(plain.identity.fingerprint != dola.identity.fingerprint)
        #expect(dola.identity.fingerprint != other.identity.fingerprint)
        #expect(dola.identity.fingerprint.hasPrefix(plain.identity.fingerprint))
        #expect(dola.identity.details["intervention"] == "dola")
        #expect(dola.identity.details["intervention.layers"] == "1")
        #expect(throws: InterventionError.self) { try NativeModel.load(path: tiny, intervention: InterventionSpec(parsing: "dola:layers=7")) }
    }
}

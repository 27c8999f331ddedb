import Foundation
import Testing
import TKBackends
import TKEngine
import TKInterventions

@Suite struct MethodRegistryTests {
    @Test func everyMethodIsListedWithItsParametersAndDefaults() throws {
        let names = MethodRegistry.methods.map(\.name)
        #expect(names == ["dola", "cd", "icd", "lol", "proxy", "iti", "steer", "caad", "sc", "id", "truth-neurons", "grains"])
        let listing = MethodRegistry.listing()
        for m in MethodRegistry.methods {
            #expect(listing.contains("--intervention \(m.usage)"))
            for p in m.parameters { #expect(listing.contains("\(p.name)=\(p.valueSyntax)"), "\(m.name).\(p.name)") }
        }
        let dola = try? MethodRegistry.descriptor(named: "dola")
        #expect(dola?.usage == "dola[:layers=high|low|L,L,…][,norm=none|final][,beta=0…100][,alpha=0…1][,penalty=1…10]")
        #expect(try MethodRegistry.descriptor(named: "cd").usage.hasPrefix("cd:amateur=PATH["))
        #expect(MethodRegistry.methods.filter(\.isFitted).map(\.name) == ["iti", "steer", "caad", "truth-neurons", "grains"])
        #expect(MethodRegistry.methods.first { $0.name == "iti" }?.parameters.first { $0.name == "alpha" }?.defaultValue == "15")
    }

    @Test func specsAreCheckedFromTheDeclarationsBeforeAnythingLoads() {
        let cases: [(String, InterventionError.Code)] = [
            ("nope", .unknownMethod), ("iti", .missingKey), ("iti:file=x,k=0", .badValue), ("iti:file=x,k=2.5", .badValue),
            ("steer:file=x,layers=a", .badLayers), ("proxy:tuned=a,untuned=b,normalize=maybe", .badValue),
            ("cd:amateur=x,typo=1", .unknownKey), ("icd:beta=inf", .badValue),
            ("sc:vote=maybe", .badValue), ("id:top_p=0", .badValue), ("id:k=65", .badValue), ("sc:seed=-1", .badValue),
            ("lol:layers=x", .badLayers), ("lol:weight=-1", .badValue), ("lol:norm=both", .badValue),
        ]
        for (text, code) in cases {
            #expect(throws: InterventionError.self, "\(text)") { try MethodRegistry.check(InterventionSpec(parsing: text)) }
            do { try MethodRegistry.check(InterventionSpec(parsing: text)) } catch let e as InterventionError {
                #expect(e.code == code, "\(text): \(e)")
            } catch { Issue.record("\(text): \(error)") }
        }
        // The missing-key message says what to give.
        do { try MethodRegistry.check(InterventionSpec(parsing: "iti")) } catch { #expect("\(error)".contains("file=PATH")) }
    }

    @Test func defaultsComeFromTheDeclarations() throws {
        let (_, model) = try tinyModel(layers: 4)
        let icd = try MethodRegistry.make(InterventionSpec(parsing: "icd"), for: model)
        #expect(icd.settings["beta"] == "1.0" && icd.settings["alpha"] == "0.1")
        let dola = try #require(try MethodRegistry.make(InterventionSpec(parsing: "dola:beta=0.25"), for: model) as? DoLa)
        #expect(dola.beta == 0.25 && dola.repetitionPenalty == 1.2 && dola.layers == .high)
    }

    @Test func fittedMethodsYieldOneFoldPerSplitAndRefuseOtherData() throws {
        let (_, model) = try ActivationFixture.load()
        let fit = try SteeringFitter.fit(model: model, examples: ActivationFixture.examples(), layers: [0, 1], dataChecksum: "sha256:x",
                                         folds: 2, seed: 4)
        let path = ActivationFixture.temporaryPath("steer")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.write(to: path)
        let spec = try InterventionSpec(parsing: "steer:file=\(path),alpha=2")
        let folds = try #require(try MethodRegistry.folds(of: spec, dataChecksum: "sha256:x"))
        #expect(folds.map { $0.spec.parameters["fold"] } == ["0", "1"])
        #expect(folds[0].heldOut == Set(fit.split.heldOut(fold: 0)) && folds[1].heldOut == Set(fit.split.heldOut(fold: 1)))
        #expect(folds[0].heldOut.isDisjoint(with: folds[1].heldOut))
        #expect(throws: ActivationFitError.self) { try MethodRegistry.folds(of: spec, dataChecksum: "sha256:other") }
        #expect(throws: InterventionError.self) { try MethodRegistry.folds(of: try InterventionSpec(parsing: "steer:file=\(path),fold=1"), dataChecksum: "sha256:x") }
        #expect(try MethodRegistry.folds(of: try InterventionSpec(parsing: "dola"), dataChecksum: "sha256:x") == nil)
    }
}

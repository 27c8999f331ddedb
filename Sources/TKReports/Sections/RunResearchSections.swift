import Foundation
import TKCalibration
import TKEvaluation
import TKMetrics
import TKStore

extension CalibrationSection {
    /// The bins every report uses: Kadavath et al.'s 10 equal-mass bins, so a report's ECE is the
    /// number `truthkit calibrate --preset kadavath` prints for the same run.
    public static let reportBinning = Binning.kadavath

    /// The calibration of a stored `truthfulqa-mc` run, read back with no re-scoring through
    /// `MultipleChoiceCalibration` (the code `truthkit calibrate` runs): its reliability bins,
    /// risk–coverage curve and summary (ECE, Brier, AUROC, AURC with bootstrap intervals).
    ///
    /// - Throws: `EvaluationError` when the run is not a `truthfulqa-mc` run or holds no readable items.
    public static func forRun(store: ResultStore, runID: Int64, bootstrap: Bootstrap = Bootstrap()) throws -> CalibrationSection {
        let (run, calibration) = try MultipleChoiceCalibration.load(store: store, runID: runID)
        let report = try calibration.report(run: run, binning: reportBinning, bootstrap: bootstrap)
        let curve = try calibration.riskCoverage()
        return CalibrationSection(
            id: "calibration-\(runID)", title: "Calibration: run \(runID)",
            bins: report.overall.bins.map { ReliabilityBin(confidence: $0.confidence, accuracy: $0.accuracy, count: $0.count) },
            riskCoverage: curve.map { ChartPoint(x: $0.coverage, y: $0.risk) },
            summary: report.overall,
            note: "Confidence: \(report.confidence); correct: \(report.correctness). Same numbers as `truthkit calibrate \(runID) --preset kadavath`.")
    }
}

extension ProbeSection {
    /// One line of `truthkit probe --json`'s `layers`.
    struct ProbeEntry: Decodable {
        var layer: Int
        var probe: String
        var auroc: Double?
        var aurocLow: Double?
        var aurocHigh: Double?
    }

    struct ProbeFile: Decodable {
        var model: String?
        var layers: [ProbeEntry]
    }

    /// The AUROC-per-layer section from the JSON `truthkit probe --json` prints: one line per probe
    /// kind (in the order the file first names them), each point a layer with its bootstrap interval.
    /// A layer whose AUROC is null (one class only among the scores) is left out of its line.
    ///
    /// - Throws: `ReportError` naming the file and what is wrong with it (missing, not JSON, not
    ///   the probe command's shape, no layers).
    public static func read(probesJSON path: String) throws -> ProbeSection {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError("Cannot read the probe results \(path): \(FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "there is no such file"). Write it with `truthkit probe --json > \(path)`.")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let file: ProbeFile
        do {
            file = try decoder.decode(ProbeFile.self, from: data)
        } catch let error as DecodingError {
            throw ReportError("The probe results \(path) are not what `truthkit probe --json` writes ({\"layers\": [{layer, probe, auroc, auroc_low, auroc_high}, …]}): \(Self.describe(error)).")
        }
        guard !file.layers.isEmpty else {
            throw ReportError("The probe results \(path) list no layers; `truthkit probe --json` writes one entry per layer and probe.")
        }
        var order: [String] = []
        var points: [String: [ChartPoint]] = [:]
        for entry in file.layers {
            if points[entry.probe] == nil { order.append(entry.probe); points[entry.probe] = [] }
            guard let auroc = entry.auroc else { continue }
            points[entry.probe]!.append(ChartPoint(x: Double(entry.layer), y: auroc, label: "layer \(entry.layer)",
                                                   low: entry.aurocLow, high: entry.aurocHigh))
        }
        let title = file.model.map { "Probes: AUROC by layer (\($0))" } ?? "Probes: AUROC by layer"
        return ProbeSection(title: title, series: order.map { ChartSeries(name: $0, points: points[$0]!) })
    }

    /// A decoding error in words: where in the file, and what was expected there.
    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            guard !path.isEmpty else { return "the top level" }
            return path.enumerated().map { i, key in key.intValue.map { "[\($0)]" } ?? (i == 0 ? "" : ".") + key.stringValue }.joined()
        }
        switch error {
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not valid JSON" : "bad value at \(at(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c): return "\(at(c.codingPath + [key])) is missing"
        case .typeMismatch(let type, let c): return "\(at(c.codingPath)) has the wrong type (expected \(type))"
        case .valueNotFound(let type, let c): return "\(at(c.codingPath)) is null (expected \(type))"
        @unknown default: return "\(error)"
        }
    }
}

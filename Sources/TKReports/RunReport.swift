import Foundation
import TKStore

/// Builds the HTML report for run ids from a store, the one path the `report` command and the run
/// browser share: runs that exist are rendered; an unknown id is named at the top of the page
/// instead of stopping the report. A `truthfulqa-mc` run also gets its calibration section.
public enum RunReport {
    /// The report and the problems found (unknown ids), for the caller to also print.
    public static func build(ids: [Int64], store: ResultStore?, storePath: String, measures: InterventionMeasures? = nil,
                             extra: [any ReportSection] = [], progress: ((String) -> Void)? = nil) throws -> (report: HTMLReport, problems: [String]) {
        var snapshots: [RunSnapshot] = []
        var problems: [String] = []
        for id in ids {
            guard let store, let run = try store.run(id: id) else {
                problems.append("There is no run \(id) in \(storePath); `truthkit runs list` shows the runs there are.")
                continue
            }
            progress?("reading run \(id): \(run.completedCount)/\(run.itemCount) items, computing intervals")
            snapshots.append(try RunSnapshot(run: run, stored: store.items(run: id)))
        }
        // Every multiple-choice run gets its calibration, computed from the stored scores (no
        // re-scoring); a run it cannot be computed for (no items yet) says why instead of failing
        // the whole page.
        var calibration: [any ReportSection] = []
        if let store {
            for snapshot in snapshots where snapshot.run.key.task == "truthfulqa-mc" {
                progress?("computing calibration of run \(snapshot.run.id)")
                do {
                    calibration.append(try CalibrationSection.forRun(store: store, runID: snapshot.run.id))
                } catch {
                    calibration.append(NoteSection(id: "calibration-\(snapshot.run.id)", title: "Calibration: run \(snapshot.run.id)",
                                                   paragraphs: ["Not computed: \(error)"]))
                }
            }
        }
        var report = HTMLReport.forRuns(snapshots, measures: measures, extra: calibration + extra)
        if !problems.isEmpty {
            report.sections.insert(NoteSection(id: "problems", title: "Problems", paragraphs: problems), at: 0)
        }
        return (report, problems)
    }
}

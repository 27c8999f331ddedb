import Foundation
@testable import TKBenchmarks

/// Upstream-shaped source files rebuilt from the shared copies, for serving to `data pull`.
///
/// The CSVs are the shared bytes. `mc_task.json` is rebuilt from `mc_en.jsonl` (options as object
/// keys, plus an `mc0_targets` the conversion must drop); the TruthfulQA-Multi `validation.json` and
/// `train.json` files are rebuilt with the upstream key order (`id` first, `type`/`category` after
/// the answers) and `\u` escapes, as upstream writes them. The conversions then have to reproduce
/// the shared JSONL files byte for byte, which the pinned SHA-256 checks.
enum DataUpstreamFixtures {
    static let upstreamKeyOrder = [
        "id", "question", "mc1_targets", "mc2_targets", "best_answer", "correct_answers", "incorrect_answers",
        "type", "category", "source", "annotation", "lang",
    ]

    static func records(_ name: String) throws -> [JSONValue] {
        try DataTestSupport.text(name).split(separator: "\n").map { line in
            try JSONParser.parse(Array(line.utf8))
        }
    }

    static func array(_ values: [JSONValue]) -> [UInt8] {
        JSONValue.array(values).pythonJSON(asciiOnly: true)
    }

    /// `mc_task.json` as upstream has it: targets are objects mapping each option to its label.
    static func mcTaskJSON() throws -> [UInt8] {
        array(try records("mc_en.jsonl").map { record in
            func targets(_ key: String) -> JSONValue {
                guard case .array(let choices)? = record[key]?["choices"], case .array(let labels)? = record[key]?["labels"] else {
                    return .null
                }
                return .object(zip(choices, labels).map { choice, label in
                    guard case .string(let text) = choice else { return .init(key: "", value: label) }
                    return .init(key: text, value: label)
                })
            }
            let mc1 = targets("mc1_targets")
            guard case .object(let members) = mc1 else { return .null }
            return .object([
                .init(key: "question", value: record["question"]!),
                .init(key: "mc0_targets", value: .object(Array(members.prefix(2)))),
                .init(key: "mc1_targets", value: mc1),
                .init(key: "mc2_targets", value: targets("mc2_targets")),
            ])
        })
    }

    /// A TruthfulQA-Multi JSON array in upstream key order, from JSONL records.
    static func multilingualJSON(_ records: [JSONValue]) -> [UInt8] {
        array(records.map { record in
            .object(upstreamKeyOrder.compactMap { key in record[key].map { .init(key: key, value: $0) } })
        })
    }

    /// Request path (no leading slash) → bytes, for every source of `catalog` (a catalog already
    /// `mirrored(at:)` the test server). Each source is served at its first address, except the
    /// v0 CSV, which is served only at its mirror so that the fallback is exercised.
    static func files(for catalog: DataCatalog) throws -> [String: [UInt8]] {
        let multilingualFiles = ["en": "mc_en_multi.jsonl", "es": "mc_es.jsonl", "ca": "mc_ca.jsonl", "eu": "mc_eu.jsonl", "gl": "mc_gl.jsonl"]
        let fewshot = try records("fewshot_multi.jsonl")
        var files: [String: [UInt8]] = [:]
        for file in catalog.files {
            for (number, source) in file.sources.enumerated() {
                let bytes: [UInt8]
                switch file.conversion {
                case .none:
                    bytes = try DataTestSupport.bytes(file.fileName)
                case .huggingFaceMultipleChoice:
                    bytes = try mcTaskJSON()
                case .multilingualRecords:
                    if file.id == "fewshot-multi" {
                        let language = ["en", "es", "ca", "eu", "gl"][number]
                        bytes = multilingualJSON(fewshot.filter { $0["lang"] == .string(language) })
                    } else {
                        bytes = multilingualJSON(try records(multilingualFiles[file.language!]!))
                    }
                }
                let url = file.id == "csv-v0" ? source.urls[1] : source.urls[0]
                files[String(url.path.dropFirst())] = bytes
            }
        }
        return files
    }
}

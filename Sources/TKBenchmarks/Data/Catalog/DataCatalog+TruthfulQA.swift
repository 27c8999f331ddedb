import Foundation

extension DataCatalog {
    /// sylinrl/TruthfulQA commits: the 2025 release (head as of 2025-01-15), the v1 CSV
    /// (2021-10-11), and the v0 CSV with `mc_task.json` (the commit Hugging Face pins).
    private static let upstream2025 = "d71c110897f5d31c5d7f309e7bc316c152f6f031"
    private static let upstreamV1 = "8b48f682acc3a71cd04e32e46e6da40ddb1a5860"
    private static let upstreamV0 = "013686a06be7a7bde5bf8223943e106c7250123c"
    /// koppula/TruthfulQA: a fork with upstream history unchanged up to 2025-01-15 that keeps the
    /// older releases under `data/v0` and `data/v1`; the mirror for the files above.
    private static let fork = "4dee2311b23de20b43bfc12ace7037f3f71ba421"
    /// hitz-zentroa/truthfulqa-multi (data added in 0cb1bbc).
    private static let multi = "11fe747386ff73f332c16fb7e05a924283212c0d"

    private static func raw(_ repository: String, _ commit: String, _ path: String) -> URL {
        URL(string: "https://raw.githubusercontent.com/\(repository)/\(commit)/\(path)")!
    }

    private static func tqa(_ commit: String, _ path: String, fork forkPath: String) -> CatalogSource {
        CatalogSource(raw("sylinrl/TruthfulQA", commit, path), mirrors: [raw("koppula/TruthfulQA", fork, forkPath)])
    }

    private static func multiSource(_ language: String, _ split: String) -> CatalogSource {
        CatalogSource(raw("hitz-zentroa/truthfulqa-multi", multi, "data/\(language)/\(split).json"))
    }

    private static func multiFile(
        _ language: String, fileName: String, sha256: String, size: Int64
    ) -> CatalogFile {
        CatalogFile(
            id: "mc-\(fileName == "mc_en_multi.jsonl" ? "en-multi" : language)",
            relativePath: "truthfulqa/\(fileName)", sources: [multiSource(language, "validation")],
            conversion: .multilingualRecords, sha256: sha256, size: size, rows: 817,
            format: .multipleChoiceJSONL, version: .multilingual, language: language, license: "Apache-2.0",
            origin: "hitz-zentroa/truthfulqa-multi@\(multi.prefix(7)) data/\(language)/validation.json"
        )
    }

    /// TruthfulQA: the three official CSVs, the Hugging Face multiple-choice file, and the
    /// TruthfulQA-Multi translations with their few-shot primer (checksums from
    /// `../shared/data/README.md`).
    public static let truthfulQA = DataCatalog(name: "truthfulqa", files: [
        CatalogFile(
            id: "csv-2025", relativePath: "truthfulqa/TruthfulQA.csv",
            sources: [tqa(upstream2025, "TruthfulQA.csv", fork: "TruthfulQA.csv")], conversion: .none,
            sha256: "b8d8ef1e12f98b4f2a9f47abc9765da0640b182b6c5d9b92f0c1a1f2f1e02e5c", size: 503_550, rows: 790,
            format: .officialCSV2025, version: .v2025, language: "en", license: "Apache-2.0",
            origin: "sylinrl/TruthfulQA@\(upstream2025.prefix(7)) TruthfulQA.csv"
        ),
        CatalogFile(
            id: "csv-v1", relativePath: "truthfulqa/TruthfulQA_v1_2021-10.csv",
            sources: [tqa(upstreamV1, "TruthfulQA.csv", fork: "data/v1/TruthfulQA.csv")], conversion: .none,
            sha256: "f9bd9e859cc102cb1f647f1064da7e009be752c416845cf9fa56e6eaae403a7d", size: 476_230, rows: 817,
            format: .officialCSV2021, version: .v1, language: "en", license: "Apache-2.0",
            origin: "sylinrl/TruthfulQA@\(upstreamV1.prefix(7)) TruthfulQA.csv"
        ),
        CatalogFile(
            id: "csv-v0", relativePath: "truthfulqa/TruthfulQA_v0_2021-09.csv",
            sources: [tqa(upstreamV0, "TruthfulQA.csv", fork: "data/v0/TruthfulQA.csv")], conversion: .none,
            sha256: "8d7dd15f033196140f032d97d30f037da7a7b1192c3f36f9937c1850925335a2", size: 443_723, rows: 817,
            format: .officialCSV2021, version: .v0, language: "en", license: "Apache-2.0",
            origin: "sylinrl/TruthfulQA@\(upstreamV0.prefix(7)) TruthfulQA.csv"
        ),
        CatalogFile(
            id: "mc-en", relativePath: "truthfulqa/mc_en.jsonl",
            sources: [tqa(upstreamV0, "data/mc_task.json", fork: "data/v0/mc_task.json")],
            conversion: .huggingFaceMultipleChoice,
            sha256: "f526d2f69e74ada8b49f13d5cf5d7b86b746b92b0d5b1b0db97167fa8d70d032", size: 666_137, rows: 817,
            format: .multipleChoiceJSONL, version: .huggingFace, language: "en", license: "Apache-2.0",
            origin: "sylinrl/TruthfulQA@\(upstreamV0.prefix(7)) data/mc_task.json, as Hugging Face truthful_qa reads it"
        ),
        multiFile("en", fileName: "mc_en_multi.jsonl",
                  sha256: "1faa5031fa6038dc941b196cf7115f5c0133dd945b14adbd9269758ba1a61299", size: 1_180_691),
        multiFile("es", fileName: "mc_es.jsonl",
                  sha256: "6c3442d6e0a854dc8a67fb6a996881c6e12bc9176d62db7fd14d5bb719a2ebed", size: 1_324_485),
        multiFile("ca", fileName: "mc_ca.jsonl",
                  sha256: "af9988e91647629899f28b4e2de9702643281a5a61583bdabced68097c2541c6", size: 1_271_971),
        multiFile("eu", fileName: "mc_eu.jsonl",
                  sha256: "4bd28fabd6ebb56959f22b277a157e2f14c4a8daf97372c3b755853e64931521", size: 1_238_877),
        multiFile("gl", fileName: "mc_gl.jsonl",
                  sha256: "2efb9cb5fb2b08b3502b73f3d9864734066401090f3526e1882e1b3f3b99f4c9", size: 1_250_616),
        CatalogFile(
            id: "fewshot-multi", relativePath: "truthfulqa/fewshot_multi.jsonl",
            sources: ["en", "es", "ca", "eu", "gl"].map { multiSource($0, "train") },
            conversion: .multilingualRecords,
            sha256: "698caed760e20175dd076dfedf54b87f7f2fc28f1ea3890f54dc8bcef7c10c5a", size: 14_212, rows: 30,
            format: .multipleChoiceJSONL, version: nil, language: nil, license: "Apache-2.0",
            origin: "hitz-zentroa/truthfulqa-multi@\(multi.prefix(7)) data/{en,es,ca,eu,gl}/train.json"
        ),
    ])
}

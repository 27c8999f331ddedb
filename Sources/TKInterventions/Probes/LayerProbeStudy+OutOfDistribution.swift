extension LayerProbeStudy {
    /// Out-of-distribution scores: each probe is fitted once on every `training` statement (MC
    /// answer statements) and scores every `test` statement (e.g. the model's own generated
    /// answers, labelled by a named source), row-aligned with `test`.
    ///
    /// The caller keeps the test questions out of `training` (`ProbeCommand` drops them), so the
    /// number measures transfer to a new kind of text *and* to unseen questions; in-distribution
    /// probe AUROCs are known to overstate what probes read from free-form answers.
    ///
    /// - Throws: `ActivationFitError` for a layer missing from either set, or training statements
    ///   of one class only.
    public static func outOfDistribution(training: CollectedActivations, test: CollectedActivations, layers: [Int],
                                         kinds: [LinearProbe.Kind], progress: (Int, Int) -> Void = { _, _ in }) throws -> [HeldOutScores] {
        var results: [HeldOutScores] = []
        for (done, layer) in layers.enumerated() {
            guard let trainRows = training.residuals[layer], let testRows = test.residuals[layer] else {
                throw ActivationFitError(.unknownLocation, "the residual stream after layer \(layer) was not collected for both the training and the test statements")
            }
            for kind in kinds {
                let probe = try LinearProbe.fit(kind, features: trainRows, labels: training.labels)
                results.append(HeldOutScores(layer: layer, kind: kind, scores: testRows.map(probe.score)))
            }
            progress(done + 1, layers.count)
        }
        return results
    }
}

import TKEngine

/// The generation settings shared by completions and chat completions, read and range-checked.
struct SamplingFields {
    var maxTokens: Int?
    var sampling: SamplingSettings
    var stop: [String]
    var stream: Bool

    init(_ f: JSONFields, maxTokensKeys: [String]) throws(APIError) {
        var maxTokens: Int?
        for key in maxTokensKeys {
            if let m = try f.int(key) {
                guard m >= 0 else { throw .invalid("`\(key)` must be ≥ 0, got \(m).", param: key, code: "invalid_value") }
                maxTokens = m
            }
        }
        self.maxTokens = maxTokens
        // OpenAI's defaults: temperature 1, top_p 1.
        let temperature = try f.double("temperature") ?? 1
        guard temperature.isFinite, temperature >= 0, temperature <= 2 else {
            throw .invalid("`temperature` must be between 0 and 2, got \(temperature).", param: "temperature", code: "invalid_value")
        }
        let topP = try f.double("top_p") ?? 1
        guard topP > 0, topP <= 1 else {
            throw .invalid("`top_p` must be in (0, 1], got \(topP).", param: "top_p", code: "invalid_value")
        }
        // `top_k` is an extension (vLLM, llama.cpp); 0 or -1 mean no limit.
        let topK = try f.int("top_k") ?? 0
        guard topK >= -1 else { throw .invalid("`top_k` must be ≥ 0 (or -1 for no limit), got \(topK).", param: "top_k", code: "invalid_value") }
        let seed: UInt64
        if let v = f["seed"] {
            switch v {
            case .int(let i): seed = UInt64(bitPattern: i)
            case .double(let d) where d == d.rounded() && d >= 0 && d < 1.8e19: seed = UInt64(d)
            default: throw f.wrongType("seed", "an integer")
            }
        } else {
            seed = UInt64.random(in: 0...UInt64.max)
        }
        sampling = SamplingSettings(temperature: temperature, topK: max(0, topK), topP: topP, seed: seed)
        stop = try f.strings("stop") ?? []
        guard stop.count <= 16 else { throw .invalid("`stop` may hold at most 16 strings, got \(stop.count).", param: "stop", code: "invalid_value") }
        stream = try f.bool("stream") ?? false

        // Fields that would change the result but that this server does not implement: refuse
        // them rather than silently answer something else.
        if let n = try f.int("n"), n != 1 {
            throw .invalid("`n` must be 1: this server returns one choice per prompt (send the request several times with different seeds).", param: "n", code: "unsupported")
        }
        if let b = try f.int("best_of"), b != 1 {
            throw .invalid("`best_of` is not supported; leave it out or set it to 1.", param: "best_of", code: "unsupported")
        }
        for key in ["presence_penalty", "frequency_penalty"] {
            if let p = try f.double(key), p != 0 {
                throw .invalid("`\(key)` is not supported; leave it out or set it to 0.", param: key, code: "unsupported")
            }
        }
        if let bias = f["logit_bias"] {
            guard case .object(let o) = bias else { throw f.wrongType("logit_bias", "an object") }
            if !o.isEmpty { throw .invalid("`logit_bias` is not supported; leave it out.", param: "logit_bias", code: "unsupported") }
        }
    }
}

extension OpenAIModel {
    /// A server fleet answers many requests at once: an evaluator keeps as many items in flight as
    /// the model may have HTTP requests (the transport's limiter still caps requests on the wire).
    public var preferredConcurrency: Int { configuration.concurrency }
}

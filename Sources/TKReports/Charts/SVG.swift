import Foundation

/// Shared pieces of the SVG charts: coordinates written with two decimals, linear scales, axes.
///
/// Every chart is an `<svg class="tk-chart" data-chart="KIND" data-count="N">` whose marks carry a
/// class per kind (`tk-bar`, `tk-point`, `tk-interval`), so tests and the browser check can count
/// them; each mark has a `<title>` with its exact numbers (a tooltip in browsers).
enum SVG {
    static func n(_ x: Double) -> String { String(format: "%.2f", x) }

    /// Maps `domain` linearly onto the pixels `from`…`to` (`to` may be below `from`: a y axis
    /// grows upwards while SVG's y grows downwards).
    struct Scale {
        var domain: ClosedRange<Double>
        var from: Double
        var to: Double
        func callAsFunction(_ x: Double) -> Double {
            let span = domain.upperBound - domain.lowerBound
            let t = span == 0 ? 0.5 : (x - domain.lowerBound) / span
            return from + t * (to - from)
        }
    }

    /// A domain covering `values` (and `including`), padded by 5%, never empty.
    static func domain(_ values: [Double], including: [Double] = []) -> ClosedRange<Double> {
        let all = (values + including).filter(\.isFinite)
        guard let low = all.min(), let high = all.max() else { return 0...1 }
        if low == high { return (low - 0.5)...(high + 0.5) }
        let pad = (high - low) * 0.05
        return (low - pad)...(high + pad)
    }

    /// About five round tick values across `domain`.
    static func ticks(_ domain: ClosedRange<Double>, count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0, span.isFinite else { return [domain.lowerBound] }
        let raw = span / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var t = ceil(domain.lowerBound / step) * step
        while t <= domain.upperBound + step * 1e-9 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return ticks
    }

    static func tickLabel(_ t: Double, percent: Bool) -> String {
        if percent { return String(format: "%g%%", (t * 1000).rounded() / 10) }
        return String(format: "%g", (t * 1000).rounded() / 1000)
    }

    static func open(kind: String, count: Int, width: Double, height: Double, title: String) -> String {
        "<svg class=\"tk-chart\" data-chart=\"\(kind)\" data-count=\"\(count)\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" "
            + "aria-label=\"\(HTML.escape(title))\"><title>\(HTML.escape(title))</title>"
    }

    static func text(_ s: String, x: Double, y: Double, anchor: String = "start", cssClass: String = "tk-label", rotate: Bool = false) -> String {
        let transform = rotate ? " transform=\"rotate(-90 \(n(x)) \(n(y)))\"" : ""
        return "<text class=\"\(cssClass)\" x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(transform)>\(HTML.escape(s))</text>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cssClass: String) -> String {
        "<line class=\"\(cssClass)\" x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\"/>"
    }
}

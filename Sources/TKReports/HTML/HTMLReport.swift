import Foundation

/// One self-contained HTML page: inline CSS, inline SVG charts, and a small inline script for the
/// item browser (search, "wrong only"). Nothing is fetched: no `src` or `href` points outside the page.
///
/// The script records any error it meets in `#tk-errors` and marks `<body data-ready="1">` when it
/// has set up every browser, so a headless browser can check the page ran cleanly.
public struct HTMLReport: Sendable {
    public var title: String
    public var sections: [any ReportSection]
    /// Shown under the title (when the report was made, from what).
    public var subtitle: String

    public init(title: String, subtitle: String = "", sections: [any ReportSection]) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }

    /// The report for stored runs: each run's headline and breakdown; for two or more runs the
    /// paired comparison of each against the first (an intervention section when the two differ
    /// only by an intervention on the same model file); extra sections (calibration, probes,
    /// trade-offs); then each run's items.
    ///
    /// - Parameter measures: KL and overhead of the intervention, from a `comparison.json`.
    /// - Returns: The report, and any comparisons that could not be made (the report says why).
    public static func forRuns(_ snapshots: [RunSnapshot], measures: InterventionMeasures? = nil,
                               extra: [any ReportSection] = [], generated: Date = Date()) -> HTMLReport {
        var sections: [any ReportSection] = []
        for snapshot in snapshots {
            sections.append(HeadlineSection(snapshot))
            if snapshot.summary != nil { sections.append(BreakdownSection(snapshot)) }
        }
        if let first = snapshots.first {
            for other in snapshots.dropFirst() {
                do {
                    let comparison = try RunComparison(first, other)
                    if let intervention = other.intervention, first.intervention == nil, first.baseFingerprint == other.baseFingerprint {
                        sections.append(InterventionSection(comparison: comparison, intervention: intervention, measures: measures))
                    } else {
                        sections.append(ComparisonSection(comparison))
                    }
                } catch {
                    sections.append(NoteSection(id: "compare-\(first.run.id)-\(other.run.id)", title: "Run \(other.run.id) against run \(first.run.id)",
                                                paragraphs: ["Not compared: \(error)"]))
                }
            }
        }
        sections += extra
        for snapshot in snapshots where !snapshot.items.isEmpty { sections.append(ItemBrowserSection(snapshot)) }
        let ids = snapshots.map { String($0.run.id) }.joined(separator: ", ")
        return HTMLReport(title: "TruthKit report: run\(snapshots.count == 1 ? "" : "s") \(ids)",
                          subtitle: "Generated \(ReportFormat.timestamp(generated)) by TruthKit from its run store.",
                          sections: sections)
    }

    public func render() -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        out += "<title>\(HTML.escape(title))</title><style>\(Self.css)</style></head><body>"
        out += "<header><h1>\(HTML.escape(title))</h1>"
        if !subtitle.isEmpty { out += "<p class=\"tk-small\">\(HTML.escape(subtitle))</p>" }
        out += "<nav>" + sections.map { "<a href=\"#\(HTML.escape($0.id))\">\(HTML.escape($0.title))</a>" }.joined(separator: " · ") + "</nav></header>"
        out += "<div id=\"tk-errors\" hidden></div>"
        for section in sections {
            out += "<section id=\"\(HTML.escape(section.id))\" class=\"tk-section\"><h2>\(HTML.escape(section.title))</h2>\(section.html())</section>"
        }
        out += "<script>\(Self.script)</script></body></html>\n"
        return out
    }

    public static let css = """
        body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#1d2433;background:#fff}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid #dde2ea;padding-bottom:4px;margin-top:28px}
        nav a{color:#2456a6;text-decoration:none;font-size:13px}nav{margin:6px 0 12px}
        .tk-small{color:#5b6578;font-size:12px}.tk-notice{background:#fff4d6;border:1px solid #e8c766;padding:8px 10px;border-radius:4px}
        #tk-errors{background:#fde2e1;border:1px solid #d9534f;padding:8px;white-space:pre-wrap}
        .tk-headline{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
        .tk-metric{border:1px solid #dde2ea;border-radius:6px;padding:8px 14px;min-width:130px}
        .tk-metric-name{font-size:12px;color:#5b6578;text-transform:uppercase;letter-spacing:.04em}.tk-metric-value{font-size:26px;font-weight:600}
        .tk-metric-ci{font-size:12px;color:#5b6578}
        .tk-table{border-collapse:collapse;margin:8px 0;font-size:13px}.tk-table th,.tk-table td{border-bottom:1px solid #eceff4;padding:3px 10px;text-align:left;vertical-align:top}
        .tk-table td.num{text-align:right;font-variant-numeric:tabular-nums}.tk-table td{word-break:break-word;max-width:640px}
        .tk-diff.tk-up,.tk-up{color:#1a7f37;fill:#1a7f37}.tk-diff.tk-down,.tk-down{color:#c0392b;fill:#c0392b}
        .tk-figure{margin:10px 0;overflow-x:auto}
        .tk-chart{font-size:11px;background:#fff}.tk-chart-title{font-weight:600;font-size:12px;fill:#1d2433}
        .tk-label{fill:#1d2433}.tk-tick{fill:#5b6578}.tk-axis-title{fill:#5b6578;font-size:11px}.tk-grid{stroke:#eceff4}.tk-zero{stroke:#8a94a6}
        .tk-bar{fill:#5b8def}circle.tk-bar{fill:#5b6578}circle.tk-bar.tk-up{fill:#1a7f37}circle.tk-bar.tk-down{fill:#c0392b}
        .tk-interval{stroke:#1d2433;stroke-width:1.5}.tk-diagonal,.tk-reference{stroke:#8a94a6;stroke-dasharray:4 3}
        .tk-line{fill:none;stroke-width:2}polygon.tk-band{stroke:none;fill-opacity:.15}.tk-point{stroke:#fff;stroke-width:1}
        .tk-series-0{stroke:#2456a6;fill:#2456a6}.tk-series-1{stroke:#d9822b;fill:#d9822b}.tk-series-2{stroke:#1a7f37;fill:#1a7f37}
        .tk-series-3{stroke:#8e44ad;fill:#8e44ad}.tk-series-4{stroke:#c0392b;fill:#c0392b}.tk-series-5{stroke:#16a2b8;fill:#16a2b8}
        polyline.tk-line{fill:none}text.tk-legend{stroke:none}.tk-point-label{fill:#1d2433;font-size:10px}circle.tk-point:not([class*=tk-series]){fill:#2456a6}
        .tk-controls{display:flex;gap:14px;align-items:center;margin:8px 0}.tk-search{flex:1;padding:5px 8px;font-size:14px}
        .tk-items{padding-left:40px}.tk-item{border-bottom:1px solid #eceff4;padding:6px 0}.tk-q{font-weight:600}
        .tk-verdict{color:#1a7f37}.tk-wrong .tk-verdict{color:#c0392b}
        .tk-tag{display:inline-block;font-size:11px;background:#eef2f8;border-radius:3px;padding:0 6px;margin-right:4px;color:#44506a}
        .tk-choices{list-style:none;padding-left:6px;margin:4px 0}.tk-choice{font-size:13px}.tk-score{display:inline-block;width:70px;color:#5b6578;font-variant-numeric:tabular-nums}
        .tk-correct{color:#1a7f37}.tk-pick{font-weight:600}.tk-mark{font-size:11px;border:1px solid currentColor;border-radius:3px;padding:0 4px}
        .tk-item-metrics,.tk-judge{font-size:12px;color:#5b6578}.tk-answer,.tk-reference{font-size:13px}
        [hidden]{display:none!important}
        """

    /// Search and "wrong only" for every item browser; errors land in #tk-errors.
    static let script = """
        (function(){
          var errors=document.getElementById('tk-errors');
          function report(msg){errors.hidden=false;errors.textContent+=msg+'\\n';}
          window.addEventListener('error',function(e){report('error: '+e.message);});
          try{
            var browsers=document.querySelectorAll('.tk-browser');
            browsers.forEach(function(b){
              var search=b.querySelector('.tk-search'),wrong=b.querySelector('.tk-wrong-only'),shown=b.querySelector('.tk-shown');
              var items=Array.prototype.slice.call(b.querySelectorAll('.tk-item'));
              function apply(){
                var q=search.value.trim().toLowerCase(),only=wrong.checked,n=0;
                items.forEach(function(li){
                  var ok=(!only||li.getAttribute('data-wrong')==='1')&&(q===''||li.getAttribute('data-search').indexOf(q)>=0);
                  li.hidden=!ok;if(ok)n++;
                });
                shown.textContent=n+' of '+items.length+' shown';
                shown.setAttribute('data-shown',String(n));
              }
              // #wrong-only and #q=TEXT in the address preset the filters (links, and the headless check).
              var hash=decodeURIComponent(location.hash||'');
              if(hash.indexOf('wrong-only')>=0)wrong.checked=true;
              var m=/q=([^&]*)/.exec(hash);if(m)search.value=m[1];
              search.addEventListener('input',apply);wrong.addEventListener('change',apply);apply();
            });
            document.body.setAttribute('data-ready','1');
            document.body.setAttribute('data-charts',String(document.querySelectorAll('svg.tk-chart').length));
          }catch(e){report('error: '+e);}
        })();
        """
}

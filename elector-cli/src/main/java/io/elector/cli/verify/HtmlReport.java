package io.elector.cli.verify;

import io.elector.testkit.history.HistoryChecker;
import io.elector.testkit.history.HistoryRecord;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A self-contained HTML report (no scripts, no network): the summary, then an SVG timeline with one
 * lane per candidate, leadership bars coloured by token, and fault markers.
 */
final class HtmlReport {
    private HtmlReport() {}

    static String render(VerifyResult r, List<HistoryRecord> records, FaultLog faults, long runStart, long runEnd) {
        List<HistoryChecker.Interval> intervals =
                HistoryChecker.standard().check(records).intervals();
        Map<String, Integer> lanes = new TreeMap<>();
        for (HistoryChecker.Interval i : intervals) {
            lanes.putIfAbsent(i.candidate(), 0);
        }
        int k = 0;
        for (String c : lanes.keySet()) {
            lanes.put(c, k++);
        }
        double width = 1100;
        double left = 60;
        double laneH = 34;
        double span = Math.max(1, runEnd - runStart);
        int height = (int) (40 + laneH * Math.max(1, lanes.size()) + 40);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' role='img' aria-label='timeline'>",
                (int) (left + width + 20),
                height));
        for (Map.Entry<String, Integer> lane : lanes.entrySet()) {
            double y = 30 + lane.getValue() * laneH;
            svg.append(String.format(
                    Locale.ROOT, "<text x='4' y='%.1f' class='lane'>%s</text>", y + 20, esc(lane.getKey())));
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='#ddd'/>",
                    left,
                    left + width,
                    y + 28,
                    y + 28));
        }
        for (HistoryChecker.Interval i : intervals) {
            double x0 = left + width * (Math.max(i.start(), runStart) - runStart) / span;
            double x1 = left + width * (Math.min(i.end(), runEnd) - runStart) / span;
            double y = 30 + lanes.get(i.candidate()) * laneH;
            String color = String.format(Locale.ROOT, "hsl(%d,65%%,55%%)", (int) ((i.token() * 47) % 360));
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect class='lead' x='%.1f' y='%.1f' width='%.1f' height='22' fill='%s'><title>%s token %d: %.0f ms</title></rect>",
                    x0,
                    y + 4,
                    Math.max(1.5, x1 - x0),
                    color,
                    esc(i.candidate()),
                    i.token(),
                    (i.end() - i.start()) / 1e6));
            if (x1 - x0 > 24) {
                svg.append(String.format(
                        Locale.ROOT, "<text x='%.1f' y='%.1f' class='tok'>%d</text>", x0 + 3, y + 20, i.token()));
            }
        }
        for (FaultLog.Entry f : faults.entries()) {
            double x0 = left + width * (f.start() - runStart) / span;
            double x1 = left + width * (f.healed() - runStart) / span;
            Integer lane = lanes.get(f.target());
            double y = lane == null ? 26 : 30 + lane * laneH;
            double h = lane == null ? laneH * Math.max(1, lanes.size()) : 30;
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect class='fault' x='%.1f' y='%.1f' width='%.1f' height='%.1f'><title>%s on %s</title></rect>",
                    x0,
                    y,
                    Math.max(2, x1 - x0),
                    h,
                    esc(f.kind()),
                    esc(f.target())));
            svg.append(String.format(
                    Locale.ROOT, "<text x='%.1f' y='%.1f' class='fk'>%s</text>", x0, y + h + 9, esc(f.kind())));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x='%.1f' y='%d' class='axis'>0 s</text><text x='%.1f' y='%d' class='axis'>%.1f s</text>",
                left,
                height - 6,
                left + width - 40,
                height - 6,
                span / 1e9));
        svg.append("</svg>");

        StringBuilder v = new StringBuilder();
        if (r.violations().isEmpty()) {
            v.append("<p class='ok' id='verdict'>No violation.</p>");
        } else {
            v.append("<p class='bad' id='verdict'>")
                    .append(r.violations().size())
                    .append(" violation(s):</p><ul>");
            for (String s : r.violations()) {
                v.append("<li>").append(esc(s)).append("</li>");
            }
            v.append("</ul>");
        }
        return "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>elector verify: " + esc(r.backend())
                + "</title><style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}"
                + "table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}"
                + ".ok{color:#176c2c;font-weight:bold}.bad{color:#b00020;font-weight:bold}"
                + ".lane{font:12px monospace}.tok{font:10px monospace;fill:#fff}.fk{font:9px sans-serif;fill:#b00020}"
                + ".axis{font:11px sans-serif;fill:#666}.fault{fill:#b00020;fill-opacity:.15;stroke:#b00020;stroke-dasharray:3 2}"
                + "</style></head><body><h1>elector verify</h1>"
                + "<table><tr><th>backend</th><td>" + esc(r.backend()) + "</td></tr>"
                + "<tr><th>candidates</th><td>" + r.nodes() + "</td></tr>"
                + "<tr><th>seed</th><td>" + r.seed() + "</td></tr>"
                + "<tr><th>faults</th><td>" + esc(r.faults().toString()) + "</td></tr>"
                + "<tr><th>leaderships</th><td id='leaderships'>" + r.leaderships() + "</td></tr>"
                + "<tr><th>accepted fenced writes</th><td>" + r.acceptedWrites() + "</td></tr>"
                + "<tr><th>failover p50 / p99 / max</th><td>"
                + Percentiles.ms(r.failovers().at(50)) + " / "
                + Percentiles.ms(r.failovers().at(99)) + " / "
                + Percentiles.ms(r.failovers().max()) + " ms ("
                + r.failovers().count() + ")</td></tr>"
                + "<tr><th>longest leaderless after heal</th><td>"
                + r.maxLeaderless().toMillis() + " ms</td></tr></table>"
                + v + "<h2>Timeline</h2><p>One lane per candidate; bars are leaderships coloured by fencing token;"
                + " red dashed boxes are faults.</p>" + svg + "</body></html>";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("'", "&#39;")
                .replace("\"", "&quot;");
    }
}

package dev.tcpstate.analyzer.report;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.tcpstate.analyzer.findings.AffectedConnection;
import dev.tcpstate.analyzer.findings.Finding;
import dev.tcpstate.analyzer.load.Frame;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.ConnectionKey;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.Durations;
import dev.tcpstate.contract.TcpState;

/**
 * One self-contained HTML file (inline CSS, inline SVG drawn here, a few lines of inline script, no
 * network): the findings, a chart of connections per state over time, and a timeline of each
 * connection's states. Everything is drawn server-side so the page reads the same without script.
 */
final class HtmlReport {
    static final int MAX_ROWS = 400;
    private static final int BUCKETS = 160;
    private static final int WIDTH = 1180;
    private static final int LABEL = 330;

    /** One colour per state, reused by the legend, the chart and the timeline. */
    static final Map<TcpState, String> COLOURS = new EnumMap<>(Map.of(
            TcpState.LISTEN, "#9e9e9e",
            TcpState.SYN_SENT, "#64b5f6",
            TcpState.SYN_RECEIVED, "#26c6da",
            TcpState.ESTABLISHED, "#43a047",
            TcpState.FIN_WAIT_1, "#ba68c8",
            TcpState.FIN_WAIT_2, "#7b1fa2",
            TcpState.CLOSE_WAIT, "#e53935",
            TcpState.CLOSING, "#f06292",
            TcpState.LAST_ACK, "#8d6e63",
            TcpState.TIME_WAIT, "#fb8c00"));

    private HtmlReport() {
    }

    static void write(Report r, Writer out) throws IOException {
        Timeline t = r.timeline();
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<title>tcpstate report</title>\n<style>\n").append(CSS).append("</style></head><body>\n");
        b.append("<h1>tcpstate report</h1>\n<p class=\"meta\">")
                .append(esc(TextReport.plural(r.recordings().size(), "recording", "recordings"))).append(": ")
                .append(esc(String.join(", ", r.recordings()))).append("<br>")
                .append(TextReport.plural(t.connections().size(), "connection", "connections")).append(", ")
                .append(esc(Durations.format(t.end() - t.start()))).append(" from ")
                .append(esc(Report.instant(t.start()))).append(" to ").append(esc(Report.instant(t.end())))
                .append("</p>\n");
        for (String w : r.warnings()) {
            b.append("<p class=\"warning\">warning: ").append(esc(w)).append("</p>\n");
        }
        findings(b, r);
        b.append("<h2>Connections per state over time</h2>\n");
        legend(b);
        chart(b, t);
        b.append("<h2>Timeline of connections</h2>\n");
        b.append("<p class=\"meta\"><label><input type=\"checkbox\" id=\"only-findings\"> only connections in findings"
                + "</label> &nbsp; hover a bar for its state, duration and source</p>\n");
        timeline(b, r);
        b.append("<script>\n").append(SCRIPT).append("</script>\n</body></html>\n");
        out.write(b.toString());
        out.flush();
    }

    private static void findings(StringBuilder b, Report r) {
        b.append("<h2>Findings</h2>\n");
        if (r.findings().isEmpty()) {
            b.append("<p class=\"ok\">No findings.</p>\n");
            return;
        }
        for (Finding f : r.findings()) {
            b.append("<details class=\"finding ").append(f.severity().name().toLowerCase(Locale.ROOT)).append("\"><summary>")
                    .append("<b>").append(f.severity()).append(' ').append(f.type()).append("</b> ")
                    .append(esc(f.summary())).append("</summary>\n<div class=\"body\">");
            b.append("<p>").append(esc(f.siteRole())).append(" at <code>").append(esc(f.site().describe()))
                    .append("</code></p>");
            if (!f.site().below().isEmpty()) {
                b.append("<pre>");
                for (Frame frame : f.site().below()) {
                    b.append("    at ").append(esc(frame.toString())).append('\n');
                }
                b.append("</pre>");
            }
            b.append("<p>");
            f.measures().forEach(m -> b.append(esc(m.kind().label())).append(": <b>").append(esc(m.display()))
                    .append("</b>. "));
            b.append("</p><ul class=\"conns\">");
            int i = 0;
            for (AffectedConnection c : f.connections()) {
                if (i++ == 20) {
                    b.append("<li>… and ").append(f.connections().size() - 20).append(" more</li>");
                    break;
                }
                b.append("<li>").append(esc(FindingText.connection(c))).append("</li>");
            }
            b.append("</ul><p><b>Why:</b> ").append(esc(f.explanation())).append("</p><p><b>Fix:</b> ")
                    .append(esc(f.advice())).append("</p></div></details>\n");
        }
    }

    private static void legend(StringBuilder b) {
        b.append("<div class=\"legend\">");
        for (Map.Entry<TcpState, String> e : COLOURS.entrySet()) {
            b.append("<span><i style=\"background:").append(e.getValue()).append("\"></i>").append(e.getKey())
                    .append("</span>");
        }
        b.append("</div>\n");
    }

    /** A stacked step chart: per slice of time, the most connections in each state at once. */
    private static void chart(StringBuilder b, Timeline t) {
        List<Timeline.StateCounts> counts = t.countsOverTime(BUCKETS);
        int height = 240;
        int top = 10;
        int bottom = 30;
        int left = 50;
        int plotW = WIDTH - left - 10;
        int plotH = height - top - bottom;
        int max = 1;
        for (Timeline.StateCounts c : counts) {
            int sum = 0;
            for (TcpState s : COLOURS.keySet()) {
                sum += c.get(s);
            }
            max = Math.max(max, sum);
        }
        double barW = (double) plotW / counts.size();
        b.append("<svg id=\"chart\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"connections per state over time\">\n");
        b.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(plotW)
                .append("\" height=\"").append(plotH).append("\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n");
        for (int i = 0; i < counts.size(); i++) {
            Timeline.StateCounts c = counts.get(i);
            double y = top + plotH;
            for (Map.Entry<TcpState, String> e : COLOURS.entrySet()) {
                int n = c.get(e.getKey());
                if (n == 0) {
                    continue;
                }
                double h = (double) n / max * plotH;
                y -= h;
                b.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %d</title></rect>%n",
                        left + i * barW, y, barW + 0.3, h, e.getValue(), e.getKey(), n));
            }
        }
        for (int k = 0; k <= 4; k++) {
            double y = top + plotH - plotH * k / 4.0;
            b.append(String.format(Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%d</text>%n",
                    left - 6, y + 4, Math.round(max * k / 4.0)));
        }
        axis(b, t, left, plotW, top + plotH + 18);
        b.append("</svg>\n");
    }

    private static void axis(StringBuilder b, Timeline t, int left, int plotW, int y) {
        long span = Math.max(1, t.end() - t.start());
        for (int k = 0; k <= 5; k++) {
            double x = left + plotW * k / 5.0;
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>%n",
                    x, y, esc(k == 0 ? "0 s" : "+" + Durations.format(span * k / 5))));
        }
    }

    /** One row per connection, those in findings first; each state a coloured bar with a tooltip. */
    private static void timeline(StringBuilder b, Report r) {
        Timeline t = r.timeline();
        Set<ConnectionKey> inFindings = new LinkedHashSet<>();
        for (Finding f : r.findings()) {
            for (AffectedConnection c : f.connections()) {
                inFindings.add(new ConnectionKey(c.jvm(), c.connectionId()));
            }
        }
        List<Connection> rows = new ArrayList<>();
        t.connections().stream().filter(c -> inFindings.contains(c.key())).forEach(rows::add);
        t.connections().stream().filter(c -> !inFindings.contains(c.key())).forEach(rows::add);
        int hidden = Math.max(0, rows.size() - MAX_ROWS);
        rows = rows.subList(0, Math.min(rows.size(), MAX_ROWS));
        int rowH = 16;
        int top = 6;
        int plotW = WIDTH - LABEL - 10;
        int height = top + rows.size() * rowH + 30;
        long start = t.start();
        double scale = (double) plotW / Math.max(1, t.end() - start);
        b.append("<svg id=\"timeline\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"timeline of connections\">\n");
        int y = top;
        for (Connection c : rows) {
            boolean flagged = inFindings.contains(c.key());
            b.append("<g class=\"row").append(flagged ? " flagged" : "").append("\" transform=\"translate(0,")
                    .append(y).append(")\">");
            b.append("<text x=\"4\" y=\"11\" class=\"label\">").append(esc("#" + c.key().id() + " " + c.local()
                    + " → " + c.remote())).append("<title>").append(esc(c.role() + " " + c.socketKind() + ", "
                    + c.key().jvm())).append("</title></text>");
            for (Span s : c.spans()) {
                double x = LABEL + (s.start() - start) * scale;
                double w = Math.max(1.5, s.nanos() * scale);
                b.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"2\" width=\"%.1f\" height=\"%d\" fill=\"%s\"%s><title>%s</title></rect>",
                        x, w, rowH - 4, COLOURS.getOrDefault(s.state(), "#000"),
                        s.source().name().equals("EXPECTED") ? " fill-opacity=\"0.45\"" : "",
                        esc(s.state() + " " + Durations.format(s.nanos()) + (s.openAtEnd() ? " (still at the end)" : "")
                                + ", source " + s.source() + (s.kernelSeen() ? ", seen by the kernel" : "")
                                + ", entered by " + s.enteredBy())));
            }
            b.append("</g>\n");
            y += rowH;
        }
        axis(b, t, LABEL, plotW, y + 18);
        b.append("</svg>\n");
        if (hidden > 0) {
            b.append("<p class=\"meta\">").append(hidden).append(" more connections not drawn; use the"
                    + " <code>connections</code> command to list them.</p>\n");
        }
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:20px;color:#222;max-width:1200px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 6px}
            .meta{color:#555}.warning{color:#a15c00}.ok{color:#2e7d32}
            details.finding{border-left:5px solid #999;background:#f7f7f7;margin:6px 0;padding:6px 10px}
            details.warning{border-color:#e53935}details.info{border-color:#1e88e5}
            details .body{margin-top:6px}pre{margin:2px 0;font-size:12px;color:#444}
            code{background:#eee;padding:0 3px}ul.conns{margin:4px 0;font-family:monospace;font-size:12px}
            .legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
            svg text{font-family:monospace;font-size:11px;fill:#333}.axis{fill:#666}
            .row.flagged .label{fill:#b71c1c;font-weight:bold}svg.only .row:not(.flagged){display:none}
            """;

    private static final String SCRIPT = """
            document.getElementById('only-findings').addEventListener('change', function (e) {
              document.getElementById('timeline').classList.toggle('only', e.target.checked);
            });
            """;
}

package dev.tcpstate.analyzer.report;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.tcpstate.analyzer.findings.AffectedConnection;
import dev.tcpstate.analyzer.findings.Finding;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.ConnectionKey;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.Durations;
import dev.tcpstate.contract.TcpState;

/**
 * One self-contained HTML file (inline CSS and SVG drawn here, no script, no network): the findings,
 * each with the timeline of its connections; connections per state over time; and the other
 * connections, grouped. Every chart and timeline shares one time scale, whose axis stays at the top
 * of the window while the page scrolls.
 */
final class HtmlReport {
    static final int ROWS_PER_FINDING = 8;
    static final int ROWS_PER_GROUP = 3;
    static final int MAX_GROUPS = 25;
    private static final int WIDTH = 1180;
    private static final int LABEL = 330;

    /** One colour per state, reused by the legend, the chart and the timelines. */
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
    /** The background of the axis that stays at the top: a colour nothing else on the page has. */
    static final String AXIS_BACKGROUND = "#e8eaf6";

    private HtmlReport() {
    }

    static void write(Report r, Writer out) throws IOException {
        Timeline t = r.timeline();
        TimeScale scale = new TimeScale(t.start(), Math.max(t.end(), t.start() + 1), LABEL, WIDTH - LABEL - 10);
        Map<ConnectionKey, Connection> byKey = new HashMap<>();
        t.connections().forEach(c -> byKey.put(c.key(), c));
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
        index(b, r);
        b.append("<div class=\"scaled\">\n<div id=\"axis\" class=\"sticky\">");
        legend(b);
        scale.axis(b, WIDTH, 24);
        b.append("</div>\n");
        int n = 0;
        for (Finding f : r.findings()) {
            finding(b, f, ++n, byKey, scale);
        }
        b.append("<section id=\"states\"><h2>Connections per state over time</h2>\n<p class=\"meta\">One lane per"
                + " state, each on its own scale: per slice of time, the most connections in that state at once."
                + " The first lane counts the connections open in any state; a connection counts once at any"
                + " instant.</p>\n");
        HtmlStateChart.svg(b, t, scale, WIDTH);
        b.append("</section>\n");
        others(b, r, scale);
        b.append("</div>\n</body></html>\n");
        out.write(b.toString());
        out.flush();
    }

    /** One line per finding, linking to its section. */
    private static void index(StringBuilder b, Report r) {
        b.append("<h2>Findings</h2>\n");
        if (r.findings().isEmpty()) {
            b.append("<p class=\"ok\">No findings.</p>\n");
            return;
        }
        b.append("<ol class=\"index\">");
        int n = 0;
        for (Finding f : r.findings()) {
            b.append("<li><a href=\"#finding-").append(++n).append("\"><b>").append(f.severity()).append(' ')
                    .append(f.type()).append("</b></a> ").append(esc(ReadableFrames.in(f.summary(), f.site())))
                    .append("</li>");
        }
        b.append("</ol>\n");
    }

    /** A finding: what, where, how much, the timeline of its connections, why and what to do. */
    private static void finding(StringBuilder b, Finding f, int n, Map<ConnectionKey, Connection> byKey,
            TimeScale scale) {
        b.append("<section id=\"finding-").append(n).append("\" class=\"finding ")
                .append(f.severity().name().toLowerCase(Locale.ROOT)).append("\"><h3>").append(n).append(". ")
                .append(f.severity()).append(' ').append(f.type()).append(": ")
                .append(esc(ReadableFrames.in(f.summary(), f.site()))).append("</h3>\n<p>").append(esc(f.siteRole())).append(" at <code>")
                .append(esc(ReadableFrames.in(f.site().describe(), f.site()))).append("</code><br>");
        f.measures().forEach(m -> b.append(esc(m.kind().label())).append(": <b>").append(esc(m.display()))
                .append("</b>. "));
        b.append("</p>\n");
        List<HtmlTimeline.Row> rows = new ArrayList<>();
        for (AffectedConnection a : f.connections()) {
            Connection c = byKey.get(new ConnectionKey(a.jvm(), a.connectionId()));
            if (c != null) {
                rows.add(new HtmlTimeline.Row(c, a.state(), a.start(), a.nanos()));
            }
        }
        if (!rows.isEmpty()) {
            HtmlTimeline.svg(b, new HtmlTimeline.Group(rows, ROWS_PER_FINDING), scale, WIDTH);
        }
        b.append("<p><b>Why:</b> ").append(esc(f.explanation())).append("<br><b>Fix:</b> ").append(esc(f.advice()))
                .append("</p>\n<details><summary>stack and connections</summary>");
        List<String> callers = ReadableFrames.callers(f.site().below());
        if (!callers.isEmpty()) {
            b.append("<pre>");
            callers.stream().limit(FindingText.STACK_LINES).forEach(c -> b.append("    at ").append(esc(c)).append('\n'));
            if (callers.size() > FindingText.STACK_LINES) {
                b.append("    … ").append(callers.size() - FindingText.STACK_LINES).append(" more frames\n");
            }
            b.append("</pre>");
        }
        b.append("<ul class=\"conns\">");
        int i = 0;
        for (AffectedConnection c : f.connections()) {
            if (i++ == 20) {
                b.append("<li>… and ").append(f.connections().size() - 20).append(" more</li>");
                break;
            }
            b.append("<li>").append(esc(FindingText.connection(c))).append("</li>");
        }
        b.append("</ul></details></section>\n");
    }

    private static void legend(StringBuilder b) {
        b.append("<div class=\"legend\">");
        for (Map.Entry<TcpState, String> e : COLOURS.entrySet()) {
            b.append("<span><i style=\"background:").append(e.getValue()).append("\"></i>").append(e.getKey())
                    .append("</span>");
        }
        b.append("<span>faded: assumed, not observed</span></div>\n");
    }

    /**
     * The connections in no finding, grouped by peer, role and the state each spent longest in; the
     * largest groups first, a few rows of each.
     */
    private static void others(StringBuilder b, Report r, TimeScale scale) {
        Set<ConnectionKey> inFindings = new HashSet<>();
        r.findings().forEach(f -> f.connections().forEach(a -> inFindings.add(new ConnectionKey(a.jvm(), a.connectionId()))));
        Map<String, List<HtmlTimeline.Row>> groups = new LinkedHashMap<>();
        for (Connection c : r.timeline().connections()) {
            if (inFindings.contains(c.key())) {
                continue;
            }
            Span longest = c.spans().stream().filter(s -> s.state() != TcpState.CLOSED)
                    .max(Comparator.comparingLong(Span::nanos)).orElse(null);
            if (longest != null) {
                groups.computeIfAbsent(c.peer() + " " + c.role() + ", longest in " + longest.state(), k -> new ArrayList<>())
                        .add(new HtmlTimeline.Row(c, longest.state(), longest.start(), longest.nanos()));
            }
        }
        int connections = groups.values().stream().mapToInt(List::size).sum();
        b.append("<section id=\"others\"><h2>Other connections</h2>\n<p class=\"meta\">")
                .append(TextReport.plural(connections, "connection", "connections"))
                .append(" in no finding, grouped by peer, role and the state each spent longest in;")
                .append(" hover a bar for its state, duration and source.</p>\n");
        List<Map.Entry<String, List<HtmlTimeline.Row>>> largest = groups.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, List<HtmlTimeline.Row>> e) -> e.getValue().size())
                        .reversed())
                .toList();
        for (Map.Entry<String, List<HtmlTimeline.Row>> e : largest.subList(0, Math.min(MAX_GROUPS, largest.size()))) {
            b.append("<h4>").append(esc(e.getKey())).append(": ")
                    .append(TextReport.plural(e.getValue().size(), "connection", "connections")).append("</h4>\n");
            HtmlTimeline.svg(b, new HtmlTimeline.Group(e.getValue(), ROWS_PER_GROUP), scale, WIDTH);
        }
        if (largest.size() > MAX_GROUPS) {
            int rest = largest.subList(MAX_GROUPS, largest.size()).stream().mapToInt(e -> e.getValue().size()).sum();
            b.append("<p class=\"meta\">").append(largest.size() - MAX_GROUPS).append(" smaller groups (")
                    .append(TextReport.plural(rest, "connection", "connections")).append(") not drawn; use the"
                    + " <code>connections</code> command to list them.</p>\n");
        }
        b.append("</section>\n");
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
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:22px 0 6px}h3{font-size:15px;margin:0 0 4px}
            h4{font-size:13px;margin:10px 0 2px;font-weight:600}
            .meta{color:#555}p.warning{color:#a15c00}.ok{color:#2e7d32}ol.index{margin:4px 0}
            .sticky{position:sticky;top:0;z-index:1;background:%s;padding:4px 0 0;border-bottom:1px solid #c5cae9}
            section.finding{box-shadow:inset 5px 0 0 #999;background:#f7f7f7;margin:10px 0;padding:6px 0}
            section.finding>:not(svg){margin-left:12px;margin-right:8px}section.finding p{margin:4px 12px}
            section.warning{box-shadow:inset 5px 0 0 #b71c1c}section.info{box-shadow:inset 5px 0 0 #1e88e5}
            pre{margin:2px 0;font-size:12px;color:#444}
            code{background:#eee;padding:0 3px}ul.conns{margin:4px 0;font-family:monospace;font-size:12px}
            .legend{padding:0 4px}.legend span{display:inline-block;margin-right:12px;font-size:12px}
            .legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
            svg{display:block}svg text{font-family:monospace;font-size:11px;fill:#333}.axis{fill:#333}
            .label.sub{fill:#666}.lane-name{font-weight:bold}.lane-bg{fill:#fafafa;stroke:#ddd}
            line.grid{stroke:#e0e0e0}line.tick{stroke:#555}rect.about{stroke:#000;stroke-width:1}
            """.formatted(AXIS_BACKGROUND);
}

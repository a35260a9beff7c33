package dev.tcpstate.analyzer.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Overlap;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.contract.Durations;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.TcpState;

/**
 * A timeline of connections alike (those of one finding, or of one peer and state): the first few
 * drawn a row each, every state a coloured bar with a tooltip, and the rest summarised in one row
 * that says how many, how long they stayed, and shades when they were there.
 */
final class HtmlTimeline {
    static final int ROW = 16;
    static final int SUMMARY_ROW = 34;
    /** Columns of the summary row's shading. */
    private static final int COLUMNS = 280;

    private HtmlTimeline() {
    }

    /** A connection, and the stay in {@code state} its timeline is about (outlined when drawn). */
    record Row(Connection connection, TcpState state, long start, long nanos) {
        long end() {
            return start + nanos;
        }
    }

    /** The rows to draw: the longest stays first, the first {@code drawn} of them in full. */
    record Group(List<Row> rows, int drawn) {
        Group {
            rows = rows.stream().sorted(Comparator.comparingLong(Row::nanos).reversed()
                    .thenComparingLong(r -> r.connection().key().id())).toList();
            drawn = Math.min(drawn, rows.size());
        }

        List<Row> hidden() {
            return rows.subList(drawn, rows.size());
        }
    }

    static void svg(StringBuilder b, Group g, TimeScale scale, int totalWidth) {
        int height = 4 + g.drawn() * ROW + (g.hidden().isEmpty() ? 0 : SUMMARY_ROW) + 4;
        b.append("<svg class=\"timeline\" width=\"").append(totalWidth).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"timeline of ").append(g.rows().size())
                .append(" connections\">\n");
        scale.grid(b, height);
        int y = 4;
        for (Row r : g.rows().subList(0, g.drawn())) {
            row(b, r, scale, y);
            y += ROW;
        }
        if (!g.hidden().isEmpty()) {
            summary(b, g.hidden(), scale, y);
        }
        b.append("</svg>\n");
    }

    private static void row(StringBuilder b, Row r, TimeScale scale, int y) {
        Connection c = r.connection();
        b.append("<g class=\"row\" transform=\"translate(0,").append(y).append(")\">");
        b.append("<text x=\"8\" y=\"11\" class=\"label\">").append(HtmlReport.esc("#" + c.key().id() + " " + c.local()
                + " → " + c.remote())).append("<title>").append(HtmlReport.esc(c.role() + " " + c.socketKind() + ", "
                + c.key().jvm())).append("</title></text>");
        for (Span s : c.spans()) {
            if (s.state() == TcpState.CLOSED) {
                continue;
            }
            boolean about = s.state() == r.state() && s.start() == r.start();
            b.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"2\" width=\"%.1f\" height=\"%d\" fill=\"%s\"%s%s><title>%s</title></rect>",
                    scale.x(s.start()), Math.max(2, scale.pixels(s.nanos())), ROW - 4,
                    HtmlReport.COLOURS.getOrDefault(s.state(), "#000"),
                    s.source() == Source.EXPECTED ? " fill-opacity=\"0.5\"" : "",
                    about ? " class=\"about\"" : "",
                    HtmlReport.esc(s.state() + " " + Durations.format(s.nanos())
                            + (s.openAtEnd() ? " (still at the end)" : "") + ", source " + s.source()
                            + (s.kernelSeen() ? ", seen by the kernel" : "") + ", entered by " + s.enteredBy())));
        }
        b.append("</g>\n");
    }

    /**
     * One row for {@code hidden}: how many, the median and longest stay, and per column of the plot
     * the most of them in their state at once, as the shade of their state's colour.
     */
    private static void summary(StringBuilder b, List<Row> hidden, TimeScale scale, int y) {
        TcpState state = hidden.get(0).state();
        boolean sameState = hidden.stream().allMatch(r -> r.state() == state);
        long[] nanos = hidden.stream().mapToLong(Row::nanos).sorted().toArray();
        String line2 = nanos[nanos.length - 1] == 0
                ? "from " + (sameState ? state : "their states")
                : "median " + Durations.format(nanos[nanos.length / 2]) + " in " + (sameState ? state : "their states")
                        + ", max " + Durations.format(nanos[nanos.length - 1]);
        b.append("<g class=\"row summary\" transform=\"translate(0,").append(y).append(")\">");
        b.append("<text x=\"8\" y=\"13\" class=\"label\">+ ").append(String.format(Locale.ROOT, "%,d", hidden.size()))
                .append(" more like these</text><text x=\"8\" y=\"27\" class=\"label sub\">")
                .append(HtmlReport.esc(line2)).append("</text>");
        List<long[]> intervals = new ArrayList<>();
        long atLeast = Math.max(1, Math.round((scale.end() - scale.start()) / (double) COLUMNS));
        for (Row r : hidden) {
            intervals.add(new long[] {r.start(), r.start() + Math.max(r.nanos(), atLeast)});
        }
        double width = (double) (scale.end() - scale.start()) / COLUMNS;
        int[] most = Overlap.peakPerBucket(intervals, scale.start(), width, COLUMNS);
        int max = 1;
        for (int m : most) {
            max = Math.max(max, m);
        }
        String colour = sameState ? HtmlReport.COLOURS.getOrDefault(state, "#000") : "#607d8b";
        double columnW = (double) scale.width() / COLUMNS;
        for (int i = 0; i < COLUMNS; i++) {
            if (most[i] == 0) {
                continue;
            }
            b.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"3\" width=\"%.2f\" height=\"%d\" fill=\"%s\" fill-opacity=\"%.2f\">"
                            + "<title>%d of them at once</title></rect>",
                    scale.left() + i * columnW, columnW + 0.05, SUMMARY_ROW - 6, colour,
                    0.25 + 0.75 * most[i] / max, most[i]));
        }
        b.append("</g>\n");
    }
}

package dev.tcpstate.analyzer.report;

import java.util.Locale;

import dev.tcpstate.contract.Durations;

/**
 * The one time scale of the HTML report: every chart and timeline puts the recording's time
 * {@code [start, end]} on the same pixels {@code [left, left + width]}, so that the one axis that
 * stays at the top of the window while scrolling reads for all of them.
 */
record TimeScale(long start, long end, int left, int width) {
    static final int TICKS = 6;

    double x(long time) {
        return left + (time - start) * (double) width / Math.max(1, end - start);
    }

    /** How many pixels {@code nanos} take. */
    double pixels(long nanos) {
        return nanos * (double) width / Math.max(1, end - start);
    }

    /** The axis: a label under each tick, seconds from the start. */
    void axis(StringBuilder b, int totalWidth, int height) {
        b.append("<svg class=\"axis-bar\" width=\"").append(totalWidth).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"time axis\">");
        b.append("<text x=\"8\" y=\"").append(height - 8).append("\" class=\"axis\">time from the start of the recording</text>");
        long span = Math.max(1, end - start);
        for (int k = 0; k <= TICKS; k++) {
            double x = left + width * (double) k / TICKS;
            String anchor = k == 0 ? "start" : k == TICKS ? "end" : "middle";
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"tick\"/>", x, x,
                    height - 6, height));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"%s\">%s</text>",
                    x, height - 8, anchor, k == 0 ? "0 s" : "+" + HtmlReport.esc(Durations.format(span * k / TICKS))));
        }
        b.append("</svg>\n");
    }

    /** Faint vertical lines at the axis's ticks, {@code height} pixels tall. */
    void grid(StringBuilder b, int height) {
        for (int k = 0; k <= TICKS; k++) {
            double x = left + width * (double) k / TICKS;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\" class=\"grid\"/>", x, x,
                    height));
        }
    }
}

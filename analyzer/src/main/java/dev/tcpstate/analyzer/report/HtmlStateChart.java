package dev.tcpstate.analyzer.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.TcpState;

/**
 * Connections per state over time as small multiples: one lane for the connections open in any
 * state, then one lane per state that occurs, each on its own vertical scale with its maximum
 * written beside it, so that 5 connections in CLOSE_WAIT read as well as 2,000 in TIME_WAIT. Each
 * slice of time shows the most connections in the lane's state at once during it.
 */
final class HtmlStateChart {
    static final String OPEN_COLOUR = "#37474f";
    private static final int BUCKETS = 210;
    private static final int LANE = 40;
    private static final int GAP = 6;

    private HtmlStateChart() {
    }

    private record Lane(String name, String colour, ToIntFunction<Timeline.StateCounts> count, String what) {
    }

    static void svg(StringBuilder b, Timeline t, TimeScale scale, int totalWidth) {
        List<Timeline.StateCounts> counts = t.countsOverTime(BUCKETS);
        List<Lane> lanes = new ArrayList<>();
        lanes.add(new Lane("open", OPEN_COLOUR, Timeline.StateCounts::open, "open, in any state"));
        for (Map.Entry<TcpState, String> e : HtmlReport.COLOURS.entrySet()) {
            TcpState state = e.getKey();
            if (counts.stream().anyMatch(c -> c.get(state) > 0)) {
                lanes.add(new Lane(state.name(), e.getValue(), c -> c.get(state), "in " + state));
            }
        }
        int height = lanes.size() * (LANE + GAP);
        b.append("<svg id=\"chart\" width=\"").append(totalWidth).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"connections per state over time\">\n");
        scale.grid(b, height);
        double barW = (double) scale.width() / counts.size();
        int y = 0;
        for (Lane lane : lanes) {
            int max = counts.stream().mapToInt(lane.count()).max().orElse(0);
            b.append("<g class=\"lane\" data-state=\"").append(lane.name()).append("\" data-max=\"").append(max)
                    .append("\" transform=\"translate(0,").append(y).append(")\">");
            b.append("<text x=\"8\" y=\"16\" class=\"lane-name\">").append(lane.name()).append("</text>");
            b.append("<text x=\"8\" y=\"31\" class=\"label sub\">at most ")
                    .append(String.format(Locale.ROOT, "%,d", max)).append(" at once</text>");
            b.append("<rect x=\"").append(scale.left()).append("\" y=\"0\" width=\"").append(scale.width())
                    .append("\" height=\"").append(LANE).append("\" class=\"lane-bg\"/>");
            for (int i = 0; i < counts.size(); i++) {
                int n = lane.count().applyAsInt(counts.get(i));
                if (n == 0) {
                    continue;
                }
                // at least 3 px, so that one connection shows next to thousands on a shared page
                double h = Math.max(3, (double) n / max * LANE);
                b.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"><title>%,d %s</title></rect>",
                        scale.left() + i * barW, LANE - h, barW + 0.05, h, lane.colour(), n, lane.what()));
            }
            b.append("</g>\n");
            y += LANE + GAP;
        }
        b.append("</svg>\n");
    }
}

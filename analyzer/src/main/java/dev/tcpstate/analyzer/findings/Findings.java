package dev.tcpstate.analyzer.findings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.openjdk.jmc.common.item.IItemCollection;

import dev.tcpstate.analyzer.load.TcpEventReader;
import dev.tcpstate.analyzer.timeline.Timeline;

/**
 * All findings, in the order reports show them: the one list of them. A new finding is a
 * {@link FindingRule} added here (and its JMC rule, which a test asks for).
 */
public final class Findings {
    private static final List<FindingRule> RULES = List.of(
            new CloseWaitLinger(),
            new TimeWaitAccumulation(),
            new FinWait2Linger(),
            new ClosedByGarbageCollection(),
            new ResetOnClose());

    private static final List<FindingType> TYPES = RULES.stream().map(FindingRule::type).toList();

    private Findings() {
    }

    public static List<FindingRule> rules() {
        return RULES;
    }

    /** The kinds of finding, in report order. */
    public static List<FindingType> types() {
        return TYPES;
    }

    /** By short name ({@code close-wait}) or type name ({@code CLOSE_WAIT_LINGER}), in any case. */
    public static Optional<FindingType> type(String name) {
        return TYPES.stream().filter(t -> t.isNamed(name)).findFirst();
    }

    /** Report order: the order of {@link #types()}. */
    public static Comparator<FindingType> inReportOrder() {
        return Comparator.comparingInt(TYPES::indexOf);
    }

    /** Every threshold of every finding, each once, then what decides which frames are the application's. */
    public static List<Preference<?>> preferences() {
        List<Preference<?>> all = new ArrayList<>();
        for (FindingRule r : RULES) {
            all.addAll(r.preferences());
        }
        all.add(Attribution.LIBRARY_PREFIXES);
        all.add(Attribution.APPLICATION_PREFIXES);
        return all;
    }

    /** Warnings before information; within each, by type, then the most connections first. */
    public static List<Finding> evaluate(Timeline timeline, Thresholds thresholds) {
        List<Finding> all = new ArrayList<>();
        for (FindingRule r : RULES) {
            all.addAll(r.find(timeline, thresholds));
        }
        all.sort(Comparator.comparing(Finding::severity).reversed()
                .thenComparing(Finding::type, inReportOrder())
                .thenComparing(Comparator.comparingInt(Finding::count).reversed()));
        return all;
    }

    /** The same, straight from what the JMC parser loaded (for a JMC rule). */
    public static List<Finding> evaluate(IItemCollection items, Thresholds thresholds) {
        return evaluate(Timeline.of(TcpEventReader.read(items, "recording")), thresholds);
    }
}

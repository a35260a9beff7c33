package dev.tcpstate.analyzer.report;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

import dev.tcpstate.analyzer.findings.Finding;
import dev.tcpstate.analyzer.findings.Findings;
import dev.tcpstate.analyzer.findings.Preference;
import dev.tcpstate.analyzer.findings.Severity;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.Durations;
import dev.tcpstate.contract.TcpState;

/** The report for a person at a terminal: the summary first, then each finding in detail. */
final class TextReport {
    private TextReport() {
    }

    static void write(Report r, Writer out) throws IOException {
        Timeline t = r.timeline();
        StringBuilder b = new StringBuilder();
        b.append("tcpstate report: ").append(plural(r.recordings().size(), "recording", "recordings")).append(", ")
                .append(plural(t.connections().size(), "connection", "connections")).append(", ")
                .append(Durations.format(t.end() - t.start())).append(" (")
                .append(Report.instant(t.start())).append(" to ").append(Report.instant(t.end())).append(")\n");
        for (String w : r.warnings()) {
            b.append("warning: ").append(w).append('\n');
        }
        int anomalies = t.events().anomalies().size();
        if (anomalies > 0) {
            b.append("note: the agent recorded ").append(plural(anomalies, "anomaly", "anomalies"))
                    .append(" (stimuli that did not fit the state machine); see the connections command\n");
        }
        b.append('\n');

        Map<TcpState, Integer> ever = t.everIn();
        Map<TcpState, Integer> atEnd = t.atEnd();
        if (!ever.isEmpty()) {
            b.append(String.format("%-16s %8s %8s%n", "state", "entered", "at end"));
            for (TcpState s : TcpState.values()) {
                if (ever.containsKey(s)) {
                    b.append(String.format("  %-14s %8d %8d%n", s, ever.get(s), atEnd.getOrDefault(s, 0)));
                }
            }
            b.append('\n');
        }

        List<Finding> findings = r.findings();
        if (findings.isEmpty()) {
            b.append("No findings. Thresholds:");
            for (Preference<?> p : Findings.preferences()) {
                if (p.unit() != Preference.Unit.PREFIXES) {
                    b.append(' ').append(p.id()).append('=').append(r.thresholds().display(p)).append(';');
                }
            }
            b.setLength(b.length() - 1);
            b.append(".\n");
        } else {
            long warnings = findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
            b.append("Findings: ").append(findings.size()).append(" (").append(warnings).append(" WARNING, ")
                    .append(findings.size() - warnings).append(" INFO)\n");
            int i = 1;
            for (Finding f : findings) {
                b.append(String.format("  [%d] %-7s %-22s %s%n", i++, f.severity(), f.type(),
                        ReadableFrames.in(f.summary(), f.site())));
            }
            b.append("\nDetails\n");
            i = 1;
            for (Finding f : findings) {
                b.append(String.format("%n[%d] %s %s: %s%n", i++, f.severity(), f.type(),
                        ReadableFrames.in(f.summary(), f.site())));
                for (String line : FindingText.details(f, "    ")) {
                    b.append(line).append('\n');
                }
            }
        }
        if (r.fails()) {
            b.append("\nFAILED: findings of a kind named by --fail-on\n");
        }
        out.write(b.toString());
        out.flush();
    }

    static String plural(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}

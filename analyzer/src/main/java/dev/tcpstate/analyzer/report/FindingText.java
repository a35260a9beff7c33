package dev.tcpstate.analyzer.report;

import java.util.ArrayList;
import java.util.List;

import dev.tcpstate.analyzer.findings.AffectedConnection;
import dev.tcpstate.analyzer.findings.Finding;
import dev.tcpstate.analyzer.findings.Measure;
import dev.tcpstate.contract.Durations;
import dev.tcpstate.contract.Source;

/** A finding in plain text: shared by the text report and the JUnit XML failure bodies. */
final class FindingText {
    static final int STACK_LINES = 12;
    static final int CONNECTION_LINES = 5;

    private FindingText() {
    }

    /** The details under a finding's heading, each line indented by {@code indent}. */
    static List<String> details(Finding f, String indent) {
        List<String> lines = new ArrayList<>();
        lines.add(indent + f.siteRole() + " at " + ReadableFrames.in(f.site().describe(), f.site()));
        List<String> callers = ReadableFrames.callers(f.site().below());
        int shown = 0;
        for (String frame : callers) {
            if (shown++ == STACK_LINES) {
                lines.add(indent + "      ... " + (callers.size() - STACK_LINES) + " more frames");
                break;
            }
            lines.add(indent + "      at " + frame);
        }
        StringBuilder m = new StringBuilder();
        for (Measure measure : f.measures()) {
            m.append(m.length() == 0 ? "" : "; ").append(measure.kind().label()).append(": ").append(measure.display());
        }
        lines.add(indent + m);
        lines.add(indent + "connections:");
        int i = 0;
        for (AffectedConnection c : f.connections()) {
            if (i++ == CONNECTION_LINES) {
                lines.add(indent + "  ... and " + (f.connections().size() - CONNECTION_LINES) + " more");
                break;
            }
            lines.add(indent + "  " + connection(c));
        }
        lines.add(indent + "why: " + f.explanation());
        lines.add(indent + "fix: " + f.advice());
        return lines;
    }

    static String connection(AffectedConnection c) {
        StringBuilder b = new StringBuilder();
        b.append('#').append(c.connectionId()).append(' ').append(c.local()).append(" -> ").append(c.remote());
        if (c.nanos() > 0) {
            b.append("  ").append(c.state()).append(c.atLeast() ? " at least " : " ").append(Durations.format(c.nanos()));
            if (c.begunBefore() != null) {
                b.append(" (before the recording began").append(c.atLeast() ? "" : ", by the kernel's count").append(')');
            }
        } else {
            b.append("  from ").append(c.state());
        }
        if (c.stillOpen()) {
            b.append(", still open at the end");
        }
        b.append(c.kernelConfirmed() ? ", kernel-confirmed"
                : c.source() == Source.EXPECTED ? ", assumed, not observed" : ", source " + c.source());
        return b.toString();
    }
}

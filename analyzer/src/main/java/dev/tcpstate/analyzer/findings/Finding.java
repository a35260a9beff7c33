package dev.tcpstate.analyzer.findings;

import java.util.List;
import java.util.Optional;

/**
 * One finding: connections of one kind, towards one peer, from one code site.
 *
 * @param summary one line: what, how many, how long, to whom
 * @param peer {@code address:port} for connections this JVM opened, the peer's address for accepted ones
 * @param siteRole what the code at {@code site} did: {@code opened} or {@code closed} the connections
 * @param count how many connections
 * @param measures the finding's typed result values (durations, peak, rate...)
 * @param explanation why it matters, in a sentence or two
 * @param advice what to do about it
 */
public record Finding(
        FindingType type,
        Severity severity,
        String summary,
        String peer,
        String siteRole,
        CodeSite site,
        int count,
        List<AffectedConnection> connections,
        List<Measure> measures,
        String explanation,
        String advice) {

    public Finding {
        connections = List.copyOf(connections);
        measures = List.copyOf(measures);
    }

    public Optional<Measure> measure(Measure.Kind kind) {
        return measures.stream().filter(m -> m.kind().equals(kind)).findFirst();
    }
}

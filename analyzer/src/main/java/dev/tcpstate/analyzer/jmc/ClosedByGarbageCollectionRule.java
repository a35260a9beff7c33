package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.ClosedByGarbageCollection;

/** {@code tcpstate.ClosedByGarbageCollection}: the analyzer's {@link ClosedByGarbageCollection} finding as a JDK Mission Control rule. */
public final class ClosedByGarbageCollectionRule extends TcpStateRule {
    public ClosedByGarbageCollectionRule() {
        super("tcpstate.ClosedByGarbageCollection", "Connections closed by garbage collection, not by the application", new ClosedByGarbageCollection());
    }
}

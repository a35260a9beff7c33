package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.ClosedByGarbageCollection;

/** The analyzer's {@link ClosedByGarbageCollection} finding as a JDK Mission Control rule. */
public final class ClosedByGarbageCollectionRule extends TcpStateRule {
    public ClosedByGarbageCollectionRule() {
        super(new ClosedByGarbageCollection());
    }
}

package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.TimeWaitAccumulation;

/** {@code tcpstate.TimeWaitAccumulation}: the analyzer's {@link TimeWaitAccumulation} finding as a JDK Mission Control rule. */
public final class TimeWaitAccumulationRule extends TcpStateRule {
    public TimeWaitAccumulationRule() {
        super("tcpstate.TimeWaitAccumulation", "TIME_WAIT accumulating towards one peer", new TimeWaitAccumulation());
    }
}

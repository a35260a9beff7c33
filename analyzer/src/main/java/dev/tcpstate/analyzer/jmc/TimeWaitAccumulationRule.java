package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.TimeWaitAccumulation;

/** The analyzer's {@link TimeWaitAccumulation} finding as a JDK Mission Control rule. */
public final class TimeWaitAccumulationRule extends TcpStateRule {
    public TimeWaitAccumulationRule() {
        super(new TimeWaitAccumulation());
    }
}

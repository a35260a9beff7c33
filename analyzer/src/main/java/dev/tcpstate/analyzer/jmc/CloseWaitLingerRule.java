package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.CloseWaitLinger;

/** The analyzer's {@link CloseWaitLinger} finding as a JDK Mission Control rule. */
public final class CloseWaitLingerRule extends TcpStateRule {
    public CloseWaitLingerRule() {
        super(new CloseWaitLinger());
    }
}

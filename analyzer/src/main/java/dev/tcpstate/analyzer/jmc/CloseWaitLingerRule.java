package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.CloseWaitLinger;

/** {@code tcpstate.CloseWaitLinger}: the analyzer's {@link CloseWaitLinger} finding as a JDK Mission Control rule. */
public final class CloseWaitLingerRule extends TcpStateRule {
    public CloseWaitLingerRule() {
        super("tcpstate.CloseWaitLinger", "Connections lingering in CLOSE_WAIT", new CloseWaitLinger());
    }
}

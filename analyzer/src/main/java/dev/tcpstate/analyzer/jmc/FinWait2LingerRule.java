package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.FinWait2Linger;

/** {@code tcpstate.FinWait2Linger}: the analyzer's {@link FinWait2Linger} finding as a JDK Mission Control rule. */
public final class FinWait2LingerRule extends TcpStateRule {
    public FinWait2LingerRule() {
        super("tcpstate.FinWait2Linger", "Connections waiting in FIN_WAIT_2 for the peer", new FinWait2Linger());
    }
}

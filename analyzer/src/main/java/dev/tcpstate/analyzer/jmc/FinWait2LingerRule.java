package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.FinWait2Linger;

/** The analyzer's {@link FinWait2Linger} finding as a JDK Mission Control rule. */
public final class FinWait2LingerRule extends TcpStateRule {
    public FinWait2LingerRule() {
        super(new FinWait2Linger());
    }
}

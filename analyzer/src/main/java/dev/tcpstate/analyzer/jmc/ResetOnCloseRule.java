package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.ResetOnClose;

/** The analyzer's {@link ResetOnClose} finding as a JDK Mission Control rule. */
public final class ResetOnCloseRule extends TcpStateRule {
    public ResetOnCloseRule() {
        super(new ResetOnClose());
    }
}

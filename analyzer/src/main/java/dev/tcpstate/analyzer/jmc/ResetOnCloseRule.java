package dev.tcpstate.analyzer.jmc;

import dev.tcpstate.analyzer.findings.ResetOnClose;

/** {@code tcpstate.ResetOnClose}: the analyzer's {@link ResetOnClose} finding as a JDK Mission Control rule. */
public final class ResetOnCloseRule extends TcpStateRule {
    public ResetOnCloseRule() {
        super("tcpstate.ResetOnClose", "Connections reset on close", new ResetOnClose());
    }
}

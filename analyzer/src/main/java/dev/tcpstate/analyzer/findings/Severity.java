package dev.tcpstate.analyzer.findings;

/** How much a finding matters; the names match JMC's rule severities. */
public enum Severity {
    /** Worth knowing; may be deliberate. */
    INFO,
    /** A problem to fix. */
    WARNING
}

package dev.tcpstate.testsupport;

/** A child JVM that ended: its exit code and all it printed. */
public record Exited(int exitCode, String stdout, String stderr) {
}

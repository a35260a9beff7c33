package dev.tcpstate.analyzer.timeline;

/** A connection's identity: its id is unique only within one JVM run. */
public record ConnectionKey(String jvm, long id) {
}

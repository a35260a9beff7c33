package dev.tcpstate.agent;

import java.lang.instrument.Instrumentation;

/** The agent's entry points: {@code -javaagent} and dynamic attach. */
public final class TcpStateAgent {
    private TcpStateAgent() {
    }

    public static void premain(String options, Instrumentation instrumentation) {
    }

    public static void agentmain(String options, Instrumentation instrumentation) {
    }
}

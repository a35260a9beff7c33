package dev.tcpstate.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * The agent's entry points: {@code -javaagent} ({@link #premain}) and dynamic attach
 * ({@link #agentmain}). Loaded by the application class loader, this class only puts the agent's
 * own jar on the bootstrap class path and hands over to {@code AgentRuntime} there, so that advice
 * woven into {@code java.base} and the rest of the agent see one copy of every class.
 */
public final class TcpStateAgent {

    private static final String RUNTIME = "dev.tcpstate.agent.AgentRuntime";

    private TcpStateAgent() {
    }

    public static void premain(String options, Instrumentation instrumentation) {
        start(options, instrumentation, true);
    }

    public static void agentmain(String options, Instrumentation instrumentation) {
        start(options, instrumentation, false);
    }

    private static void start(String options, Instrumentation instrumentation, boolean atLaunch) {
        try {
            File jar = new File(TcpStateAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!onBootstrapPath()) {
                instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            }
            Class<?> runtime = Class.forName(RUNTIME, true, null);
            runtime.getMethod("start", String.class, Instrumentation.class, File.class, boolean.class)
                    .invoke(null, options, instrumentation, jar, atLaunch);
        } catch (Throwable t) {
            System.err.println("tcpstate: agent not started: " + t);
        }
    }

    private static boolean onBootstrapPath() {
        try {
            Class.forName(RUNTIME, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}

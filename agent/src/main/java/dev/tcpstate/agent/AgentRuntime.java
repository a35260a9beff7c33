package dev.tcpstate.agent;

import dev.tcpstate.agent.bridge.SocketBridge;
import dev.tcpstate.agent.instrument.Installer;
import dev.tcpstate.agent.jfr.JfrEventSink;
import dev.tcpstate.agent.jfr.Recordings;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.TimeUnit;

/**
 * The agent once it runs from the bootstrap class loader: builds the registry, weaves the JDK,
 * starts the recording and the agent's one housekeeping thread. Reached only through
 * {@link TcpStateAgent}, by reflection.
 */
public final class AgentRuntime {

    private static volatile ConnectionRegistry registry;
    private static volatile Installer.Installation installation;

    private AgentRuntime() {
    }

    /** Called once per {@code premain} or {@code agentmain}. Never throws. */
    public static synchronized void start(String optionText, Instrumentation instrumentation, File agentJar) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(optionText);
        } catch (AgentOptions.BadOption e) {
            log("agent not started: " + e.getMessage());
            return;
        }
        try {
            if (options.record() != null) {
                Recordings.startAtLaunch(options.record());
            }
            if (installation != null) {
                log("already installed; options apply from now on");
                return;
            }
            JfrEventSink sink = new JfrEventSink();
            ConnectionRegistry r = new ConnectionRegistry(sink, options.maxConnections());
            // Until the kernel view lands, every transition Java cannot see is assumed.
            r.setKernelViewActive(false);
            registry = r;
            SocketBridge.install(r);
            Installer.Installation done = Installer.install(instrumentation, agentJar, AgentRuntime::log);
            installation = done;
            if (options.verbose()) {
                for (String m : done.woven()) {
                    log("woven " + m);
                }
            }
            startHousekeeping(r);
        } catch (Throwable t) {
            SocketBridge.uninstall();
            log("agent not started: " + t);
        }
    }

    private static void startHousekeeping(ConnectionRegistry r) {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    TimeUnit.SECONDS.sleep(1);
                    r.expire(System.nanoTime());
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable ignored) {
                    // keep going: housekeeping must not die on one bad connection
                }
            }
        }, "tcpstate-housekeeping");
        t.setDaemon(true);
        t.start();
    }

    public static ConnectionRegistry registry() {
        return registry;
    }

    static void log(String message) {
        System.err.println("tcpstate: " + message);
    }
}

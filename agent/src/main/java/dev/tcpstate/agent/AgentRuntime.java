package dev.tcpstate.agent;

import dev.tcpstate.agent.bridge.SocketBridge;
import dev.tcpstate.agent.instrument.Installer;
import dev.tcpstate.agent.jfr.JfrEventSink;
import dev.tcpstate.agent.jfr.PeriodicEvents;
import dev.tcpstate.agent.jfr.Recordings;
import dev.tcpstate.agent.kernel.HostTcpStats;
import dev.tcpstate.agent.kernel.KernelSampler;
import dev.tcpstate.agent.registry.KernelReconciler;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The agent once it runs from the bootstrap class loader: builds the registry, weaves the JDK,
 * starts the recording and the agent's housekeeping thread; on a later attach, applies the new
 * options or runs a command (dump, stop, status). Reached only through {@link TcpStateAgent}.
 * The outcome of each start is left in the system property {@value #STATUS_PROPERTY}, where the
 * attach command line reads it.
 */
public final class AgentRuntime {

    public static final String STATUS_PROPERTY = "tcpstate.agent.status";

    private static ConnectionRegistry registry;
    private static Installer.Installation installation;
    private static Instrumentation instrumentation;
    private static Thread housekeeping;
    private static volatile KernelSampler sampler;

    private AgentRuntime() {
    }

    /** Called for each {@code premain} or {@code agentmain}. Never throws. */
    public static synchronized void start(String optionText, Instrumentation inst, File agentJar) {
        long begin = System.nanoTime();
        AgentOptions options;
        try {
            options = AgentOptions.parse(optionText);
        } catch (AgentOptions.BadOption e) {
            report("error: " + e.getMessage(), "agent not started: " + e.getMessage());
            return;
        }
        try {
            if (options.command() != null) {
                runCommand(options);
                return;
            }
            // The recording starts first, so that what the first kernel sample discovers is in it.
            String recording = "";
            if (options.record() != null) {
                Path file = Recordings.start(options.record(), options.duration());
                recording = ", recording to " + file;
            }
            boolean first = installation == null;
            if (first) {
                install(inst, agentJar, options);
            } else if (options.record() != null) {
                PeriodicEvents.emitNow(registry); // the new recording starts with the current picture
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            String what = first ? "installed in " + ms + " ms, woven " + installation.woven().size() + " methods"
                    : "already installed, options applied";
            report("ok: " + what + recording, null);
        } catch (Throwable t) {
            if (installation == null) {
                SocketBridge.uninstall();
            }
            report("error: " + t, "agent not started: " + t);
        }
    }

    private static void install(Instrumentation inst, File agentJar, AgentOptions options) throws Exception {
        instrumentation = inst;
        JfrEventSink sink = new JfrEventSink();
        ConnectionRegistry r = new ConnectionRegistry(sink, options.maxConnections());
        registry = r;
        startKernelView(r, options);
        SocketBridge.install(r);
        installation = Installer.install(inst, agentJar, AgentRuntime::log);
        if (options.verbose()) {
            for (String m : installation.woven()) {
                log("woven " + m);
            }
        }
        PeriodicEvents.register(r, hostView(), () -> SocketBridge.droppedCount() + sink.failures());
        housekeeping = startHousekeeping(r);
    }

    /**
     * The kernel view, where the OS has one: while it runs, nothing Java cannot see is assumed.
     * Without it (kernelInterval=off, or no /proc), TIME_WAIT after an active close is recorded as
     * EXPECTED.
     */
    private static void startKernelView(ConnectionRegistry r, AgentOptions options) {
        KernelReconciler reconciler = new KernelReconciler(r);
        reconciler.setOwnInodes(inode -> {
            KernelSampler s = sampler;
            return s != null && s.socketInodes().owns(inode);
        });
        r.setKernelViewActive(true);
        KernelSampler started = KernelSampler.start(reconciler, options.kernelIntervalNanos(), options.kernelReader(),
                System.err);
        if (started == null) {
            r.setKernelViewActive(false);
            return;
        }
        started.socketInodes().requestRescan();
        sampler = started;
    }

    private static PeriodicEvents.HostView hostView() {
        HostTcpStats stats = HostTcpStats.ofThisProcess();
        return new PeriodicEvents.HostView() {
            @Override
            public int hostTimeWait() {
                return (int) Math.min(Integer.MAX_VALUE, stats.timeWaitCount());
            }

            @Override
            public int ephemeralPortLow() {
                return stats.ephemeralPortLow();
            }

            @Override
            public int ephemeralPortHigh() {
                return stats.ephemeralPortHigh();
            }
        };
    }

    private static void runCommand(AgentOptions options) throws Exception {
        switch (options.command()) {
            case "dump":
                if (options.file() == null) {
                    report("error: dump needs file=<path>", null);
                    return;
                }
                PeriodicEvents.emitNow(registry);
                Path written = Recordings.dump(options.file());
                report(written == null ? "error: no tcpstate recording is running in this JVM (attach with --record)"
                        : "ok: recording written to " + written, null);
                return;
            case "stop":
                stop();
                return;
            default:
                report(installation == null ? "ok: not installed"
                        : "ok: installed, woven " + installation.woven().size() + " methods, tracking "
                                + registry.size() + " connections", null);
        }
    }

    /** Undoes the weaving, stops the housekeeping and our recording: the JVM is as before the attach. */
    private static void stop() {
        if (installation == null) {
            report("ok: not installed, nothing to stop", null);
            return;
        }
        PeriodicEvents.emitNow(registry);
        SocketBridge.uninstall();
        boolean restored = installation.transformer().reset(instrumentation,
                AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
        Installer.forgetWoven();
        housekeeping.interrupt();
        if (sampler != null) {
            sampler.stop();
            sampler = null;
        }
        Path written = Recordings.stop();
        installation = null;
        registry = null;
        report("ok: stopped, original classes " + (restored ? "restored" : "NOT restored")
                + (written != null ? ", recording written to " + written : ""), null);
    }

    private static Thread startHousekeeping(ConnectionRegistry r) {
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
        return t;
    }

    public static synchronized ConnectionRegistry registry() {
        return registry;
    }

    /** Leaves the outcome for the attach command line and, for errors, says it once on stderr. */
    private static void report(String status, String stderrLine) {
        try {
            System.setProperty(STATUS_PROPERTY, status);
        } catch (Throwable ignored) {
            // a security manager may refuse: the attach command line then reports "no status"
        }
        if (stderrLine != null) {
            log(stderrLine);
        }
    }

    static void log(String message) {
        System.err.println("tcpstate: " + message);
    }
}

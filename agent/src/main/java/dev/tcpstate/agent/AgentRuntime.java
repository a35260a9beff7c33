package dev.tcpstate.agent;

import dev.tcpstate.agent.bridge.Faults;
import dev.tcpstate.agent.bridge.SocketBridge;
import dev.tcpstate.agent.instrument.Installer;
import dev.tcpstate.agent.jfr.EventSwitch;
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

    private static volatile ConnectionRegistry registry;
    private static Installer.Installation installation;
    private static boolean installStarted;
    private static Instrumentation instrumentation;
    private static Thread housekeeping;
    private static volatile KernelSampler sampler;
    private static volatile JfrEventSink eventSink;

    private AgentRuntime() {
    }

    /**
     * Called for each {@code premain} ({@code atLaunch}) or {@code agentmain}. Never throws. At launch,
     * without {@code record=}, the weaving runs on a background thread (see
     * {@link AgentOptions#weaveBeforeMain()}); an attach always waits for it.
     */
    public static synchronized void start(String optionText, Instrumentation inst, File agentJar, boolean atLaunch) {
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
            boolean first = !installStarted;
            if (first && atLaunch && !options.weaveBeforeMain()) {
                installStarted = true;
                Thread installer = new Thread(() -> installInBackground(inst, agentJar, options), "tcpstate-installer");
                installer.setDaemon(true);
                installer.start();
                report("ok: installing in the background", null);
                return;
            }
            if (first) {
                installStarted = true;
                install(inst, agentJar, options);
            } else if (installation == null) {
                report("error: the agent is still installing; try again in a moment", null);
                return;
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

    private static void installInBackground(Instrumentation inst, File agentJar, AgentOptions options) {
        synchronized (AgentRuntime.class) {
            try {
                long begin = System.nanoTime();
                install(inst, agentJar, options);
                report("ok: installed in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin)
                        + " ms in the background, woven " + installation.woven().size() + " methods", null);
            } catch (Throwable t) {
                SocketBridge.uninstall();
                log("agent not started: " + t);
            }
        }
    }

    private static void install(Instrumentation inst, File agentJar, AgentOptions options) throws Exception {
        instrumentation = inst;
        JfrEventSink sink = new JfrEventSink();
        ConnectionRegistry r = new ConnectionRegistry(sink, options.maxConnections());
        registry = r;
        eventSink = sink;
        // Every event class is registered, and so initialized, here, before any other thread can
        // reach one: an application thread initializing an event class while JFR registers it from
        // this thread deadlocks (seen on JDK 17 with the weaving in the background).
        PeriodicEvents.register(r, hostView(), AgentRuntime::droppedTotal);
        startKernelView(r, options);
        SocketBridge.install(r);
        installation = Installer.install(inst, agentJar, AgentRuntime::log, options.verbose());
        if (installation.wovenEvery("setSoLinger") && installation.wovenEvery("setOption")) {
            SocketBridge.lingerSettersWoven(System.nanoTime());
        }
        if (options.verbose()) {
            for (String m : installation.woven()) {
                log("woven " + m);
            }
        }
        EventSwitch.watch(wanted -> {
            if (registry != r) {
                return; // stopped (or replaced by a later attach): this watcher is done
            }
            KernelSampler s = sampler;
            if (wanted) {
                SocketBridge.install(r);
            } else {
                SocketBridge.uninstall();
                r.clear();
            }
            if (s != null) {
                s.setPaused(!wanted);
            }
        });
        housekeeping = startHousekeeping(r);
        Runtime.getRuntime().addShutdownHook(new Thread(AgentRuntime::reportDropped, "tcpstate-exit-report"));
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
                options.kernelIntervalChosen() ? KernelSampler.CHOSEN_INTERVAL_BUDGET_PERCENT : 1, System.err);
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
        SocketBridge.lingerSettersUnwoven();
        housekeeping.interrupt();
        if (sampler != null) {
            sampler.stop();
            sampler = null;
        }
        Path written = Recordings.stop();
        installation = null;
        installStarted = false;
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

    /** Observations lost to failures inside the agent: bridge and registry, event commits, kernel samples. */
    static long droppedTotal() {
        JfrEventSink sink = eventSink;
        KernelSampler s = sampler;
        return SocketBridge.droppedCount() + (sink == null ? 0 : sink.failures()) + (s == null ? 0 : s.failures());
    }

    /** Said once, at exit, and only when something was lost. */
    private static void reportDropped() {
        JfrEventSink sink = eventSink;
        KernelSampler s = sampler;
        long bridge = SocketBridge.droppedCount();
        long events = sink == null ? 0 : sink.failures();
        long samples = s == null ? 0 : s.failures();
        if (bridge + events + samples > 0) {
            log((bridge + events + samples) + " observations dropped to failures inside the agent (calls: " + bridge
                    + ", events: " + events + ", kernel samples: " + samples + ")"
                    + (Faults.enabled() ? "; fault injection is on (-D" + Faults.PROPERTY + ")" : ""));
        }
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

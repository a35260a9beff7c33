package dev.tcpstate.agent;

import dev.tcpstate.agent.bridge.SocketBridge;
import dev.tcpstate.agent.fault.Faults;
import dev.tcpstate.agent.instrument.Installer;
import dev.tcpstate.agent.jmx.ManagementBeans;
import dev.tcpstate.agent.jfr.EventSwitch;
import dev.tcpstate.agent.jfr.JfrEventSink;
import dev.tcpstate.agent.jfr.PeriodicEvents;
import dev.tcpstate.agent.jfr.Recordings;
import dev.tcpstate.agent.kernel.HostTcpStats;
import dev.tcpstate.agent.kernel.KernelSampler;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.agent.registry.KernelReconciler;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The agent once it runs from the bootstrap class loader: builds the registry, weaves the JDK,
 * starts the recording and the agent's housekeeping thread (which registers the MBeans); on a later
 * attach, applies the new options. Stopping comes through the MBean ({@code stop} of the attach CLI). Reached only through {@link TcpStateAgent}, which
 * calls {@link #start}; the one instance of a JVM holds its lifecycle. The outcome of each start is
 * an {@link AgentStatus}, left in the system property where the attach command line reads it.
 */
public final class AgentRuntime {

    /** The agent of this JVM: {@code premain} and every {@code agentmain} reach this one. */
    private static final AgentRuntime AGENT = new AgentRuntime();

    /** Where the agent is in its life. */
    private enum Phase {
        NOT_INSTALLED,
        /** Weaving, now or on the installer thread; an installation that failed stays here, never retried. */
        INSTALLING,
        INSTALLED
    }

    // Guarded by this: changed only by a start, the installer thread, or stop.
    private Phase phase = Phase.NOT_INSTALLED;
    private Instrumentation instrumentation;
    private Installer.Installation installation;
    private Thread housekeeping;
    private boolean exitReportHooked;

    // Also read without the lock: by JFR's threads (the event switch, the periodic events), the kernel
    // reconciler on the sampler's thread, and the exit report.
    private volatile ConnectionRegistry registry;
    private volatile KernelSampler sampler;
    private volatile JfrEventSink eventSink;

    private AgentRuntime() {
    }

    /**
     * Called for each {@code premain} ({@code atLaunch}) or {@code agentmain}. Never throws. At launch,
     * without {@code record=}, the weaving runs on a background thread (see
     * {@link AgentOptions#weaveBeforeMain()}); an attach always waits for it.
     */
    public static void start(String optionText, Instrumentation inst, File agentJar, boolean atLaunch) {
        AGENT.handle(optionText, inst, agentJar, atLaunch);
    }

    private synchronized void handle(String optionText, Instrumentation inst, File agentJar, boolean atLaunch) {
        long begin = System.nanoTime();
        AgentOptions options;
        try {
            options = AgentOptions.parse(optionText);
        } catch (AgentOptions.BadOption e) {
            report(AgentStatus.failed(e.getMessage()), "agent not started: " + e.getMessage());
            return;
        }
        try {
            // The recording starts first, so that what the first kernel sample discovers is in it.
            String recording = null;
            if (options.record() != null) {
                recording = Recordings.start(options.record(), options.duration()).toString();
            }
            switch (phase) {
                case NOT_INSTALLED -> {
                    phase = Phase.INSTALLING;
                    if (atLaunch && !options.weaveBeforeMain()) {
                        daemon("tcpstate-installer", () -> installInBackground(inst, agentJar, options)).start();
                        report(AgentStatus.installing(), null);
                        return;
                    }
                    install(inst, agentJar, options, atLaunch);
                    report(AgentStatus.installed(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
                            installation.woven().size(), recording), null);
                }
                case INSTALLING -> report(AgentStatus.failed("the agent is still installing; try again in a moment"),
                        null);
                case INSTALLED -> {
                    if (recording != null) {
                        PeriodicEvents.emitNow(registry); // the new recording starts with the current picture
                    }
                    report(AgentStatus.optionsApplied(recording), null);
                }
            }
        } catch (Throwable t) {
            if (phase != Phase.INSTALLED) {
                SocketBridge.uninstall();
            }
            String why = t instanceof Recordings.Unwritable ? t.getMessage() : t.toString();
            report(AgentStatus.failed(why), "agent not started: " + why);
        }
    }

    private void installInBackground(Instrumentation inst, File agentJar, AgentOptions options) {
        synchronized (this) {
            try {
                long begin = System.nanoTime();
                install(inst, agentJar, options, true);
                report(AgentStatus.installedInBackground(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin),
                        installation.woven().size()), null);
            } catch (Throwable t) {
                SocketBridge.uninstall();
                // a short-lived JVM (a batch job, a test fork) may end before the weaving does: nothing to say
                boolean jvmEnding = t instanceof IllegalStateException && "Shutdown in progress".equals(t.getMessage());
                report(AgentStatus.failed(t.toString()), jvmEnding ? null : "agent not started: " + t);
            }
        }
    }

    private void install(Instrumentation inst, File agentJar, AgentOptions options, boolean atLaunch) throws Exception {
        instrumentation = inst;
        JfrEventSink sink = new JfrEventSink();
        ConnectionRegistry r = new ConnectionRegistry(sink, options.maxConnections());
        boolean live = options.tracksWithoutRecording(atLaunch);
        r.setCaptureSites(live);
        registry = r;
        eventSink = sink;
        // Every event class is registered, and so initialized, here, before any other thread can
        // reach one: an application thread initializing an event class while JFR registers it from
        // this thread deadlocks (seen on JDK 17 with the weaving in the background).
        PeriodicEvents.register(r, hostView(), this::droppedTotal, withinBudgetOnly -> {
            KernelSampler s = sampler;
            return s != null && (withinBudgetOnly ? s.sampleIfWithinBudget() : s.sampleNow());
        });
        startKernelView(r, options);
        SocketBridge.install(r);
        installation = Installer.install(inst, agentJar, AgentRuntime::log, options.verbose());
        phase = Phase.INSTALLED;
        if (installation.wovenEvery("setSoLinger") && installation.wovenEvery("setOption")) {
            SocketBridge.lingerSettersWoven(System.nanoTime());
        }
        if (options.verbose()) {
            for (String m : installation.woven()) {
                log("woven " + m);
            }
        }
        EventSwitch.watch(recordingWants -> {
            boolean wanted = recordingWants || live;
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
        int woven = installation.woven().size();
        AgentStatus.running(woven, r.size()).publishLive();
        // From -javaagent, only with live=on: the platform MBean server initialises java.util.logging,
        // which an application server may want to configure first (WildFly's log manager).
        ManagementBeans.Agent control = live ? management(r, woven, version(agentJar)) : null;
        housekeeping = daemon("tcpstate-housekeeping", () -> housekeep(r, woven, control));
        housekeeping.start();
        if (!exitReportHooked) {
            Runtime.getRuntime().addShutdownHook(daemon("tcpstate-exit-report", this::reportDropped));
            exitReportHooked = true;
        }
    }

    /**
     * The kernel view, where the OS has one: while it runs, nothing Java cannot see is assumed.
     * Without it (kernelInterval=off, or no /proc), TIME_WAIT after an active close is recorded as
     * EXPECTED.
     */
    private void startKernelView(ConnectionRegistry r, AgentOptions options) {
        KernelReconciler reconciler = new KernelReconciler(r);
        reconciler.setOwnInodes(inode -> {
            KernelSampler s = sampler;
            return s != null && s.socketInodes().owns(inode);
        }, inode -> {
            KernelSampler s = sampler;
            return s != null && s.socketInodes().unplaced(inode);
        }, () -> {
            KernelSampler s = sampler;
            return s != null && s.socketInodes().rescanIfCheap();
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

    /** Undoes the weaving, stops the housekeeping and our recording: the JVM is as before the attach. */
    private void stop() {
        if (phase != Phase.INSTALLED) {
            report(AgentStatus.nothingToStop(), null);
            return;
        }
        KernelSampler last = sampler;
        if (last != null) {
            last.sampleNow(); // the recording ends with what the kernel shows now
        }
        PeriodicEvents.emitNow(registry);
        SocketBridge.uninstall();
        boolean restored = installation.transformer().reset(instrumentation,
                AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
        Installer.forgetWoven();
        SocketBridge.lingerSettersUnwoven();
        housekeeping.interrupt();
        try {
            housekeeping.join(TimeUnit.SECONDS.toMillis(2)); // its last live status must not outlive this stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AgentStatus.withdrawLive();
        KernelSampler s = sampler;
        if (s != null) {
            s.stop();
            sampler = null;
        }
        Path written = Recordings.stop();
        installation = null;
        registry = null;
        phase = Phase.NOT_INSTALLED;
        report(AgentStatus.stopped(restored, written == null ? null : written.toString()), null);
    }

    /**
     * Once a second: what expires, and the live status that {@code status} reads without loading the
     * agent. On its first round it registers the MBeans (off the application's path: the platform
     * MBean server costs class loading), and it unregisters them when it ends.
     */
    private static void housekeep(ConnectionRegistry r, int wovenMethods, ManagementBeans.Agent control) {
        ManagementBeans beans = null;
        try {
            while (true) {
                try {
                    TimeUnit.SECONDS.sleep(1);
                    if (beans == null && control != null) {
                        beans = registerBeans(r, control);
                        control = null; // registered, or said why not: once
                    }
                    r.expire(System.nanoTime());
                    AgentStatus.running(wovenMethods, r.size()).publishLive();
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable ignored) {
                    // keep going: housekeeping must not die on one bad connection
                }
            }
        } finally {
            if (beans != null) {
                beans.unregister();
            }
        }
    }

    private static ManagementBeans registerBeans(ConnectionRegistry r, ManagementBeans.Agent control) {
        try {
            return ManagementBeans.register(r, control);
        } catch (Throwable t) {
            log("no MBeans (the connections and stop commands need them): " + t);
            return null;
        }
    }

    /** What the MBeans ask of the agent; {@code stop} ends this agent, once. */
    private ManagementBeans.Agent management(ConnectionRegistry r, int woven, String version) {
        return new ManagementBeans.Agent() {
            @Override
            public String version() {
                return version;
            }

            @Override
            public int wovenMethods() {
                return woven;
            }

            @Override
            public long dropped() {
                return droppedTotal();
            }

            @Override
            public String recording() {
                return Recordings.destination();
            }

            @Override
            public boolean kernelView() {
                return sampler != null;
            }

            @Override
            public String stop() {
                synchronized (AgentRuntime.this) {
                    if (registry != r) {
                        return AgentStatus.nothingToStop().describe();
                    }
                    AgentRuntime.this.stop();
                    return AgentStatus.in(System.getProperties()).map(AgentStatus::describe)
                            .orElse("stopped");
                }
            }
        };
    }

    /** The agent jar's build version, from its manifest (a class of the bootstrap path has no package version). */
    private static String version(File agentJar) {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(agentJar)) {
            java.util.jar.Manifest m = jar.getManifest();
            String v = m == null ? null : m.getMainAttributes().getValue("Implementation-Version");
            return v == null ? "(development build)" : v;
        } catch (Exception e) {
            return "(development build)";
        }
    }

    /** Every thread the agent starts: named, and never keeping the JVM alive. */
    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** Observations lost to failures inside the agent: bridge and registry, event commits, kernel samples. */
    private long droppedTotal() {
        JfrEventSink sink = eventSink;
        KernelSampler s = sampler;
        return SocketBridge.droppedCount() + (sink == null ? 0 : sink.failures())
                + (s == null ? 0 : s.failures());
    }

    /** Said once, at exit, and only when something was lost. */
    private void reportDropped() {
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

    /** Leaves the outcome for the attach command line and, for errors, says it once on stderr. */
    private static void report(AgentStatus status, String stderrLine) {
        status.publish();
        if (stderrLine != null) {
            log(stderrLine);
        }
    }

    static void log(String message) {
        System.err.println("tcpstate: " + message);
    }
}

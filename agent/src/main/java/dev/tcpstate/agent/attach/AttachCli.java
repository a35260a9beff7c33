package dev.tcpstate.agent.attach;

import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.tcpstate.agent.AgentStatus;
import dev.tcpstate.agent.jfr.RecordingFiles;
import dev.tcpstate.agent.jmx.ConnectionInfo;
import dev.tcpstate.agent.jmx.TcpStateMXBean;
import dev.tcpstate.contract.EventNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar tcpstate-agent.jar}: list the JVMs this user can attach to, attach the agent to
 * one of them (optionally recording), dump that recording, and stop (undo the weaving). Every error
 * is one line on stderr and exit code 2; a refused attach is exit code 3.
 */
@Command(name = "tcpstate", mixinStandardHelpOptions = true, versionProvider = AttachCli.Version.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "Attach tcpstate to a running JVM and record what its TCP connections do. Only `attach` "
                + "loads the agent; every other command reads what the agent already there publishes.",
        subcommands = {AttachCli.ListJvms.class, AttachCli.Attach.class, AttachCli.Status.class,
            AttachCli.Connections.class, AttachCli.Dump.class, AttachCli.Stop.class, CommandLine.HelpCommand.class})
public final class AttachCli implements Callable<Integer> {

    static final int USAGE = 2;
    static final int REFUSED = 3;

    /** One clear line for the user, then the exit code. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new AttachCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("tcpstate: " + ex.getMessage() + " (see --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, command, parsed) -> {
            if (ex instanceof Failure) {
                err.println("tcpstate: " + ex.getMessage());
                return ((Failure) ex).exitCode;
            }
            err.println("tcpstate: " + ex);
            return USAGE;
        });
        return cli.execute(args);
    }

    /** The build's version, from the agent jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = AttachCli.class.getPackage().getImplementationVersion();
            return new String[] {"tcpstate agent " + (v == null ? "(development build)" : v)};
        }
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return USAGE;
    }

    @Command(name = "list", description = "The JVMs this user can attach to: pid and main class.")
    static final class ListJvms implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            String self = String.valueOf(ProcessHandle.current().pid());
            for (VirtualMachineDescriptor d : VirtualMachine.list()) {
                if (!d.id().equals(self)) {
                    spec.commandLine().getOut().println(d.id() + " " + (d.displayName().isEmpty() ? "(unknown main class)"
                            : d.displayName()));
                }
            }
            return 0;
        }
    }

    @Command(name = "attach", description = "Load the agent into a running JVM; with --record, record its connections.")
    static final class Attach implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "pid of the target JVM")
        long pid;

        @Option(names = "--record", description = "write a recording of tcpstate's events (and JDK defaults) to this file")
        Path record;

        @Option(names = "--duration", description = "with --record: stop and write it after this long (e.g. 30s, 5m); "
                + "default: when the target exits, or at `dump`/`stop`")
        String duration;

        @Option(names = "--kernel-interval", description = "how often the agent reads the kernel's TCP table (e.g. 1s, off)")
        String kernelInterval;

        @Option(names = "--max-connections", description = "most connections tracked at once (default 100000); "
                + "when full, the ones released longest ago are forgotten first and new ones are not tracked")
        Integer maxConnections;

        @Override
        public Integer call() throws Exception {
            long begin = System.nanoTime();
            StringBuilder options = new StringBuilder();
            if (record != null) {
                options.append("record=").append(record.toAbsolutePath());
                if (duration != null) {
                    options.append(",duration=").append(duration);
                }
            } else if (duration != null) {
                throw new Failure(USAGE, "--duration needs --record");
            }
            if (kernelInterval != null) {
                options.append(options.length() > 0 ? "," : "").append("kernelInterval=").append(kernelInterval);
            }
            if (maxConnections != null) {
                options.append(options.length() > 0 ? "," : "").append("maxConnections=").append(maxConnections);
            }
            String status = load(pid, options.toString());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            spec.commandLine().getOut().println("attached to " + pid + " in " + ms + " ms: " + status);
            return 0;
        }
    }

    @Command(name = "dump", description = "Write what the recording started by `attach --record` holds so far; "
            + "read-only: JFR's own JFR.dump, the agent is not loaded again.")
    static final class Dump implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "pid of the target JVM")
        long pid;

        @Parameters(index = "1", description = "file to write")
        Path file;

        @Override
        public Integer call() throws Exception {
            Path target = file.toAbsolutePath();
            if (target.toString().contains("\"")) {
                throw new Failure(USAGE, "cannot dump to " + target + ": a file name with a double quote");
            }
            // JFR's own diagnostic command, over the attach connection: the agent is not loaded again
            spec.commandLine().getOut().println(onTarget(pid, vm -> {
                boolean created = ownerOnly(target, pid, spec.commandLine().getErr());
                boolean dumped = false;
                try {
                    String said = jcmd(vm, pid, "JFR.dump name=" + EventNames.RECORDING + " filename=\"" + target + "\"");
                    dumped = said.contains("Dumped recording");
                    if (dumped) {
                        return AgentStatus.dumped(target.toString()).describe();
                    }
                    if (said.contains("No recordings to dump") || said.contains("Could not find " + EventNames.RECORDING)) {
                        throw new Failure(USAGE, "no tcpstate recording is running in process " + pid
                                + " (attach with --record)");
                    }
                    throw new Failure(USAGE, "dump to " + target + " failed in process " + pid + ": "
                            + said.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("no answer"));
                } finally {
                    if (created && !dumped) {
                        Files.deleteIfExists(target);
                    }
                }
            }));
            return 0;
        }
    }

    /**
     * Makes the dump's file owner-only before the target's JFR writes it (which would give it the target's
     * umask mode), when the target runs as this user: a file created here for another user's JVM (root
     * dumping it) could not be written by it. A mode that cannot be set is one line on stderr, and the dump
     * goes on. Returns whether the file was created here.
     */
    private static boolean ownerOnly(Path target, long pid, PrintWriter err) {
        Optional<String> owner = ProcessHandle.of(pid).flatMap(h -> h.info().user());
        if (owner.isEmpty() || !owner.equals(ProcessHandle.current().info().user())) {
            return false;
        }
        try {
            return RecordingFiles.ownerOnly(target) == RecordingFiles.Outcome.CREATED;
        } catch (java.nio.file.NoSuchFileException noDirectory) {
            return false; // JFR.dump then says why it cannot write there
        } catch (IOException e) {
            err.println("tcpstate: " + target + " gets the target JVM's default file mode, not owner-only: " + e);
            return false;
        }
    }

    @Command(name = "stop", description = "Undo the weaving (restore the original classes), stop sampling and "
            + "write the recording: the target is left as it was. Read-only: through the agent's MBean, over the "
            + "JDK's local JMX connector.")
    static final class Stop implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "pid of the target JVM")
        long pid;

        @Override
        public Integer call() throws Exception {
            String said = AttachCli.onTarget(pid, vm -> AgentStatus.liveIn(vm.getSystemProperties()).isPresent()
                    ? null : AgentStatus.nothingToStop().describe());
            spec.commandLine().getOut().println(said != null ? said : LiveCommands.withAgent(pid, TcpStateMXBean::stop));
            return 0;
        }
    }

    @Command(name = "connections", description = "The target's connections now, as ss shows a host's, with what "
            + "only tcpstate knows: state and who showed it, time in that state, role, and the code that opened them, "
            + "grouped by that code, the longest lingering first. Read-only: through the agent's MBean.")
    static final class Connections implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "pid of the target JVM")
        long pid;

        @Option(names = "--format", description = "text or json (one object: pid, tracked, connections)",
                defaultValue = "text")
        String format;

        @Option(names = "--watch", arity = "0..1", fallbackValue = "2s", paramLabel = "INTERVAL",
                description = "print again every INTERVAL (default 2s) until interrupted, or --count times")
        String watch;

        @Option(names = "--count", description = "with --watch: stop after this many views")
        Integer count;

        @Option(names = "--limit", defaultValue = "10000", description = "most connections asked for (default 10000)")
        int limit;

        @Option(names = "--rows", defaultValue = "10", description = "most rows printed per code site (text; default 10)")
        int rows;

        @Override
        public Integer call() throws Exception {
            boolean json = switch (format) {
                case "text" -> false;
                case "json" -> true;
                default -> throw new Failure(USAGE, "--format must be text or json; not '" + format + "'");
            };
            long intervalMillis = watch == null ? 0 : interval(watch);
            if (count != null && watch == null) {
                throw new Failure(USAGE, "--count needs --watch");
            }
            PrintWriter out = spec.commandLine().getOut();
            for (int view = 1; ; view++) {
                LiveCommands.withAgent(pid, agent -> {
                    ConnectionInfo[] shown = agent.connections(limit);
                    int tracked = agent.getTracked();
                    if (json) {
                        LiveCommands.printJson(pid, tracked, shown, out);
                    } else {
                        if (watch != null && System.console() != null) {
                            out.print("\033[H\033[2J"); // a terminal: redraw in place, like watch(1)
                        }
                        LiveCommands.printText(pid, tracked, shown, rows, out);
                    }
                    out.flush();
                    return null;
                });
                if (watch == null || (count != null && view >= count)) {
                    return 0;
                }
                Thread.sleep(intervalMillis);
                if (!json) {
                    out.println();
                }
            }
        }

        private static long interval(String text) throws Failure {
            try {
                long millis = dev.tcpstate.contract.Durations.parse(text).toMillis();
                if (millis < 100) {
                    throw new IllegalArgumentException("shorter than 100ms");
                }
                return millis;
            } catch (RuntimeException e) {
                throw new Failure(USAGE, "--watch takes an interval such as 2s or 500ms; not '" + text + "'");
            }
        }
    }

    @Command(name = "status", description = "Whether the agent is loaded in the target and what it tracks; "
            + "read-only: reads what the agent publishes, never loads it.")
    static final class Status implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "pid of the target JVM")
        long pid;

        @Override
        public Integer call() throws Exception {
            spec.commandLine().getOut().println(onTarget(pid, vm -> {
                Properties props = vm.getSystemProperties();
                Optional<AgentStatus> live = parsed(pid, () -> AgentStatus.liveIn(props));
                if (live.isPresent()) {
                    return live.get().describe();
                }
                Optional<AgentStatus> last = parsed(pid, () -> AgentStatus.in(props));
                return last.isPresent() && last.get().outcome() == AgentStatus.Outcome.INSTALLING
                        ? last.get().describe() : AgentStatus.notInstalled().describe();
            }));
            return 0;
        }
    }

    /** What the target does over an attach connection that {@link #onTarget} opens and closes. */
    interface OnTarget {
        String run(VirtualMachine vm) throws IOException, Failure;
    }

    /** A status read from the target; one line naming the process when it is of another version. */
    static Optional<AgentStatus> parsed(long pid, java.util.function.Supplier<Optional<AgentStatus>> read)
            throws Failure {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new Failure(REFUSED, "the agent in process " + pid + " is of another version (" + e.getMessage()
                    + ")");
        }
    }

    /**
     * What a diagnostic command (as {@code jcmd} runs it) printed in the target. The attach API runs
     * them in {@code HotSpotVirtualMachine.executeJCmd}, which this jar's manifest exports to it.
     */
    static String jcmd(VirtualMachine vm, long pid, String command) throws IOException, Failure {
        try {
            java.lang.reflect.Method execute = vm.getClass().getMethod("executeJCmd", String.class);
            try (java.io.InputStream said = (java.io.InputStream) execute.invoke(vm, command)) {
                return new String(said.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new Failure(REFUSED, "process " + pid + " refused " + command + ": " + e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Failure(REFUSED, "cannot run diagnostic commands in process " + pid
                    + " from this JDK (run the jar with java -jar): " + e);
        }
    }

    /** Checks the target, attaches, runs {@code action} and detaches. */
    static String onTarget(long pid, OnTarget action) throws Failure {
        Targets.check(pid);
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(String.valueOf(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new Failure(REFUSED, Targets.whyAttachFailed(pid, e));
        }
        try {
            return action.run(vm);
        } catch (IOException e) {
            throw new Failure(REFUSED, "lost the connection to process " + pid + ": " + e.getMessage());
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** Attaches, checks the target, loads the agent with {@code options}, and returns what it said. */
    static String load(long pid, String options) throws Failure {
        return onTarget(pid, vm -> {
            String spec = vm.getSystemProperties().getProperty("java.specification.version", "?");
            if (Targets.featureOf(spec) < 17) {
                throw new Failure(REFUSED, "process " + pid + " runs Java " + spec + "; tcpstate needs Java 17 or newer");
            }
            try {
                vm.loadAgent(agentJar().toString(), options);
            } catch (AgentLoadException e) {
                throw new Failure(REFUSED, Targets.whyLoadFailed(pid, e));
            } catch (com.sun.tools.attach.AgentInitializationException e) {
                throw new Failure(REFUSED, "the agent failed to start in process " + pid + ": " + e.getMessage());
            }
            Properties props = vm.getSystemProperties();
            AgentStatus status = parsed(pid, () -> AgentStatus.in(props))
                    .orElseThrow(() -> new Failure(REFUSED, "the agent gave no status in process " + pid));
            if (status.failed()) {
                throw new Failure(USAGE, status.describe());
            }
            return status.describe();
        });
    }

    static Path agentJar() throws Failure {
        try {
            Path jar = Path.of(AttachCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) {
                throw new Failure(USAGE, "run this from the agent jar: java -jar tcpstate-agent.jar ...");
            }
            return jar;
        } catch (URISyntaxException e) {
            throw new Failure(USAGE, "cannot locate the agent jar: " + e.getMessage());
        }
    }

}

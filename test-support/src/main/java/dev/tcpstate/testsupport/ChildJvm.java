package dev.tcpstate.testsupport;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one way tests start a JVM: {@code java <jvm args> [-cp <class path>] <main class>|-jar <jar>
 * <args>}, then either {@link #run} it to completion or {@link #start} it and talk to it. The
 * {@code java} is the one of the JDK that runs the test ({@code java.home}: when the build runs the
 * tests again on JDK 25, their child JVMs are JDK 25 too), unless {@link #at} names another.
 *
 * <pre>
 * Exited e = ChildJvm.java().agent("record=" + jfr).main(Scenarios.class, "close-wait").run(LIMIT);
 * </pre>
 */
public final class ChildJvm {

    /** How long {@link #run()} lets a child take: a guard against a hung child, not a measure. */
    public static final Duration GUARD = Duration.ofMinutes(2);

    private final String java;
    private final List<String> jvmArgs = new ArrayList<>();
    private String classpath;
    private final List<String> launch = new ArrayList<>();
    private Path directory;
    private String umask;
    private long netnsOf;

    private ChildJvm(String java) {
        this.java = java;
    }

    /** A JVM of the JDK that runs the test. */
    public static ChildJvm java() {
        return new ChildJvm(javaExecutable());
    }

    /** A JVM of another JDK: {@code java} is its launcher ({@code <home>/bin/java}). */
    public static ChildJvm at(String java) {
        return new ChildJvm(java);
    }

    /** The launcher of the JDK that runs the test. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The feature version of the JDK that runs the test, and so of {@link #java()}'s JVMs. */
    public static int featureVersion() {
        return Runtime.version().feature();
    }

    /**
     * Options of the JVM, after those given so far ({@link #agent} is one); the class path and the main
     * class or jar come after them all.
     */
    public ChildJvm jvmArgs(String... args) {
        return jvmArgs(List.of(args));
    }

    public ChildJvm jvmArgs(List<String> args) {
        jvmArgs.addAll(args);
        return this;
    }

    /** {@code -javaagent:<the built agent jar>[=options]} (see {@link Artifacts#agentJar}). */
    public ChildJvm agent(String options) {
        return jvmArgs("-javaagent:" + Artifacts.agentJar() + (options.isEmpty() ? "" : "=" + options));
    }

    public ChildJvm classpath(String classpath) {
        this.classpath = classpath;
        return this;
    }

    /** The class path of the test's own JVM ({@code java.class.path}): everything the test sees. */
    public ChildJvm testClasspath() {
        return classpath(System.getProperty("java.class.path"));
    }

    /**
     * Runs {@code mainClass}; without a {@link #classpath}, on the class path of the one directory or
     * jar that holds it, so that a child started from a module's test classes sees the agent only
     * through {@code -javaagent}.
     */
    public ChildJvm main(Class<?> mainClass, String... args) {
        if (classpath == null) {
            classpath = locationOf(mainClass).toString();
        }
        return main(mainClass.getName(), args);
    }

    /** Runs {@code mainClass} from the {@link #classpath} given. */
    public ChildJvm main(String mainClass, String... args) {
        launch.clear();
        launch.add(mainClass);
        launch.addAll(List.of(args));
        return this;
    }

    /** Runs {@code java -jar jar args}. */
    public ChildJvm jar(Path jar, String... args) {
        launch.clear();
        launch.addAll(List.of("-jar", jar.toString()));
        launch.addAll(List.of(args));
        return this;
    }

    /** More arguments for the program, after those given so far. */
    public ChildJvm args(String... args) {
        launch.addAll(List.of(args));
        return this;
    }

    /** The working directory of the child; by default the test's. */
    public ChildJvm in(Path directory) {
        this.directory = directory;
        return this;
    }

    /**
     * The child's file mode creation mask (octal, e.g. {@code "000"}), set by {@code /bin/sh} which then
     * {@code exec}s the JVM (so the pid is the JVM's); by default the test's own.
     */
    public ChildJvm umask(String octal) {
        if (!octal.matches("[0-7]{3,4}")) {
            throw new IllegalArgumentException("not an octal umask: " + octal);
        }
        this.umask = octal;
        return this;
    }

    /**
     * Runs the child in the network namespace of process {@code pid} ({@code nsenter -t pid -n}, which
     * {@code exec}s the JVM, so the pid is the JVM's): its loopback and its TCP table are that namespace's.
     */
    public ChildJvm inNetworkNamespaceOf(long pid) {
        this.netnsOf = pid;
        return this;
    }

    /** The whole command line. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        if (netnsOf > 0) {
            command.addAll(List.of("nsenter", "-t", String.valueOf(netnsOf), "-n"));
        }
        if (umask != null) {
            command.addAll(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        }
        command.add(java);
        command.addAll(jvmArgs);
        if (classpath != null) {
            command.add("-cp");
            command.add(classpath);
        }
        command.addAll(launch);
        return command;
    }

    /** As {@link #run(Duration)}, within {@link #GUARD}. */
    public Exited run() throws IOException, InterruptedException {
        return run(GUARD);
    }

    /**
     * Runs the child to its end, its stdout and stderr captured in files; after {@code limit} it is
     * killed and the test fails with what it printed so far.
     */
    public Exited run(Duration limit) throws IOException, InterruptedException {
        return run(limit, true).orElseThrow();
    }

    /** As {@link #run}, but a child killed after {@code limit} is an empty answer, not a failure. */
    public Optional<Exited> runWithin(Duration limit) throws IOException, InterruptedException {
        return run(limit, false);
    }

    private Optional<Exited> run(Duration limit, boolean timeoutFails) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tcpstate-child", ".out");
        Path err = Files.createTempFile("tcpstate-child", ".err");
        Path fatal = Files.createTempFile("tcpstate-child", ".hs_err");
        Files.delete(fatal);
        Process p = null;
        try {
            p = processBuilder("-XX:ErrorFile=" + fatal).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                destroy(p);
                if (timeoutFails) {
                    throw new AssertionError("the child JVM did not finish within " + limit.toSeconds() + " s: "
                            + command() + "\nstdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
                }
                return Optional.empty();
            }
            return Optional.of(new Exited(p.exitValue(), Files.readString(out),
                    Files.readString(err) + fatalErrorReport(fatal)));
        } finally {
            if (p != null) {
                destroy(p);
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(fatal);
        }
    }

    /**
     * The head of the report a JVM that crashed wrote ({@code -XX:ErrorFile}), for the failure message
     * of a test that checks the exit code: the problematic frame and the threads' stacks say whose bug
     * it is, where an exit code of 134 alone says nothing. Empty when the JVM did not crash.
     */
    private static String fatalErrorReport(Path fatal) throws IOException {
        if (!Files.exists(fatal)) {
            return "";
        }
        List<String> lines = Files.readAllLines(fatal, StandardCharsets.ISO_8859_1);
        return "\n--- the child JVM crashed; the head of its fatal error report (" + lines.size() + " lines) ---\n"
                + String.join("\n", lines.subList(0, Math.min(lines.size(), 120)));
    }

    /**
     * Starts the child for the test to talk to: lines on its stdin, lines read back from its stdout
     * (stderr goes to a file). Close it, in a try-with-resources: a child still running is killed.
     */
    public Running start() throws IOException {
        return new Running(command(), processBuilder());
    }

    /** The child's process, with {@code extraJvmArgs} before the options given to this builder. */
    private ProcessBuilder processBuilder(String... extraJvmArgs) {
        List<String> command = command();
        command.addAll(command.indexOf(java) + 1, List.of(extraJvmArgs));
        ProcessBuilder pb = new ProcessBuilder(command);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        return pb;
    }

    static void destroy(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The directory or jar a class was loaded from. */
    public static Path locationOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

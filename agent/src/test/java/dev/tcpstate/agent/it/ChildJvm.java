package dev.tcpstate.agent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real JVM of the same JDK as the test, run to completion, its output captured. */
public record ChildJvm(int exitCode, String stdout, String stderr) {

    public static Path agentJar() {
        String jar = System.getProperty("tcpstate.agent.jar", "target/tcpstate-agent.jar");
        Path p = Path.of(jar).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("agent jar not built: " + p + " (run mvn package first)");
        }
        return p;
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Only the test classes: the child must see the agent's classes through the agent jar alone. */
    public static String testClasses() {
        try {
            return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int featureVersion() {
        return Runtime.version().feature();
    }

    private static List<String> command(List<String> jvmArgs, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(testClasses());
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code java <jvmArgs> -cp <test classpath> <mainClass> <args>}. */
    public static ChildJvm run(List<String> jvmArgs, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = command(jvmArgs, mainClass, args);
        Path out = Files.createTempFile("tcpstate-child", ".out");
        Path err = Files.createTempFile("tcpstate-child", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("child JVM did not finish in 120 s: " + command + "\n"
                        + Files.readString(err));
            }
            return new ChildJvm(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Starts {@code java <jvmArgs> -cp <test classpath> <mainClass> <args>} and lets the test talk to it:
     * wait for a line it prints, write a line to its stdin, then wait for its exit. Every wait is
     * bounded; {@link Interactive#close} kills a child still running.
     */
    public static Interactive start(List<String> jvmArgs, String mainClass, String... args) throws IOException {
        return new Interactive(command(jvmArgs, mainClass, args));
    }

    /** A child JVM the test talks to through its stdin and stdout; stderr is kept in a file. */
    public static final class Interactive implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Path err;
        private final Writer stdin;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        private Interactive(List<String> command) throws IOException {
            this.command = command;
            this.err = Files.createTempFile("tcpstate-child", ".err");
            this.process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.reader = new Thread(this::readStdout, "child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        private void readStdout() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the child is gone: waiters see it through isAlive
            } finally {
                synchronized (lines) {
                    lines.notifyAll();
                }
            }
        }

        public long pid() {
            return process.pid();
        }

        /** Every line the child printed so far. */
        public List<String> stdout() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        public String stderr() throws IOException {
            return Files.readString(err);
        }

        /**
         * The first line, from the start of the child's output, that matches; waits up to {@code timeout}
         * for it, and fails saying what the child printed when it does not come or the child exits.
         */
        public String awaitLine(Predicate<String> wanted, String what, Duration timeout)
                throws IOException, InterruptedException {
            return awaitLine(0, wanted, what, timeout);
        }

        /** As {@link #awaitLine(Predicate, String, Duration)}, among the lines from index {@code from} on. */
        public String awaitLine(int from, Predicate<String> wanted, String what, Duration timeout)
                throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (true) {
                    for (int i = from; i < lines.size(); i++) {
                        if (wanted.test(lines.get(i))) {
                            return lines.get(i);
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || (!reader.isAlive() && !process.isAlive())) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                }
            }
            throw new AssertionError("the child did not print " + what + " within " + timeout.toSeconds() + " s"
                    + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")")
                    + "\ncommand: " + command + "\nstdout:\n" + String.join("\n", stdout()) + "\nstderr:\n" + stderr());
        }

        public String awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
            return awaitLine(l -> l.startsWith(prefix), "'" + prefix + "...'", timeout);
        }

        /** Writes one line to the child's stdin. */
        public void send(String line) throws IOException {
            stdin.write(line + "\n");
            stdin.flush();
        }

        /** Waits up to {@code timeout} for the child to exit (killing it if it does not), with all its output. */
        public ChildJvm finish(Duration timeout) throws IOException, InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the child did not exit within " + timeout.toSeconds() + " s: " + command
                        + "\nstderr:\n" + stderr());
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            return new ChildJvm(process.exitValue(), String.join("\n", stdout()) + "\n", stderr());
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(err);
        }
    }
}

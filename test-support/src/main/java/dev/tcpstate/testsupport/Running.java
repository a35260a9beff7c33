package dev.tcpstate.testsupport;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM the test talks to ({@link ChildJvm#start}): it writes lines to the child's stdin and
 * waits for lines the child prints. Every wait is bounded, and fails saying what the child printed;
 * {@link #close} kills a child still running.
 */
public final class Running implements AutoCloseable {

    private final List<String> command;
    private final Process process;
    private final Path err;
    private final Writer stdin;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private int next;

    Running(List<String> command, ProcessBuilder builder) throws IOException {
        this.command = command;
        this.err = Files.createTempFile("tcpstate-child", ".err");
        this.process = builder.redirectError(err.toFile()).start();
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::readStdout, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
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

    /** The first line since the child started that begins with {@code prefix}, waiting up to {@code timeout}. */
    public String awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
        return awaitLine(0, l -> l.startsWith(prefix), "'" + prefix + "...'", timeout);
    }

    /** The first line from index {@code from} on that is {@code wanted}, waiting up to {@code timeout}. */
    public String awaitLine(int from, Predicate<String> wanted, String what, Duration timeout)
            throws IOException, InterruptedException {
        return lineAt(await(from, wanted, what, timeout));
    }

    /**
     * The first line beginning with {@code prefix} after the one the previous {@code next...} returned
     * (the lines in between are passed over), waiting up to {@code timeout}.
     */
    public String nextLine(String prefix, Duration timeout) throws IOException, InterruptedException {
        next = await(next, l -> l.startsWith(prefix), "'" + prefix + "...'", timeout) + 1;
        return lineAt(next - 1);
    }

    /** As {@link #nextLine}, for the next line in which {@code pattern} is found; its match. */
    public Matcher next(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        next = await(next, l -> pattern.matcher(l).find(), "a line matching " + pattern, timeout) + 1;
        Matcher m = pattern.matcher(lineAt(next - 1));
        m.find();
        return m;
    }

    private String lineAt(int index) {
        synchronized (lines) {
            return lines.get(index);
        }
    }

    private int await(int from, Predicate<String> wanted, String what, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (int i = from; i < lines.size(); i++) {
                    if (wanted.test(lines.get(i))) {
                        return i;
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

    /** Writes one line to the child's stdin. */
    public void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    /** Waits up to {@code timeout} for the child to exit (else kills it and fails), with all it printed. */
    public Exited finish(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            ChildJvm.destroy(process);
            throw new AssertionError("the child did not exit within " + timeout.toSeconds() + " s: " + command
                    + "\nstdout:\n" + String.join("\n", stdout()) + "\nstderr:\n" + stderr());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return new Exited(process.exitValue(), String.join("\n", stdout()) + "\n", stderr());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        ChildJvm.destroy(process);
        Files.deleteIfExists(err);
    }
}

package dev.tcpstate.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The demo in a child JVM of the same JDK as the test, its output read line by line as it comes. */
final class DemoProcess implements AutoCloseable {
    private static final long GUARD_SECONDS = 120; // only so that a hung child cannot hang the build

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;

    private DemoProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "demo-output");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static DemoProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classes(), Demo.class.getName()));
        command.addAll(List.of(args));
        return new DemoProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private static String classes() {
        try {
            return Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("<output lost: " + e + ">");
        }
    }

    /** Waits for the first line (not yet consumed) that matches; fails with the output so far if the demo ends first. */
    Matcher await(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (System.nanoTime() - deadline < 0) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            } else if (!process.isAlive() && lines.isEmpty() && !reader.isAlive()) {
                break;
            }
        }
        fail("no line matching " + pattern + " in:\n" + String.join("\n", seen));
        return null;
    }

    /** Waits for the end, asserts exit status 0, and returns the whole output. */
    String awaitSuccess() throws InterruptedException {
        if (!process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the demo did not finish; output so far:\n" + String.join("\n", seen));
        }
        reader.join(10_000);
        lines.drainTo(seen);
        String output = String.join("\n", seen);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

package dev.tcpstate.agent.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator: Debian's {@code wrk}, run against one URL on loopback for a bounded time, its
 * report parsed. wrk prints its socket errors and its non-2xx/3xx count only when they are not zero.
 */
final class Wrk {

    static final String EXECUTABLE = "wrk";

    /** What wrk reported: requests completed, each kind of error, and its latency percentiles as printed. */
    record Result(long requests, long connectErrors, long readErrors, long writeErrors, long timeouts, long non2xx,
            String p50, String p99, String output) {

        long errors() {
            return connectErrors + readErrors + writeErrors + timeouts + non2xx;
        }
    }

    private Wrk() {
    }

    /** The reason wrk cannot run here, or null when it can. */
    static String unavailable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, EXECUTABLE))) {
                return null;
            }
        }
        return EXECUTABLE + " is not installed (apt-get install wrk)";
    }

    /**
     * {@code wrk -t threads -c connections -d seconds --latency url}, with {@code Connection: close} on every
     * request when {@code close}, run after {@code prefix} (another network namespace's: {@code nsenter -t
     * <pid> -n}); waits for it a minute past its duration at most.
     */
    static Result run(List<String> prefix, String url, int threads, int connections, long seconds, boolean close)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(EXECUTABLE, "-t", String.valueOf(threads), "-c",
                String.valueOf(connections), "-d", seconds + "s", "--timeout", "10s", "--latency"));
        if (close) {
            command.addAll(List.of("-H", "Connection: close"));
        }
        command.add(url);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(seconds + 60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not end: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("wrk exited with " + p.exitValue() + ": " + command + "\n" + text);
        }
        return parse(text);
    }

    static Result parse(String text) {
        Matcher requests = Pattern.compile("(\\d+) requests in ").matcher(text);
        if (!requests.find()) {
            throw new IllegalArgumentException("no request count in wrk's report:\n" + text);
        }
        Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
                .matcher(text);
        boolean socketErrors = socket.find();
        Matcher status = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(text);
        return new Result(Long.parseLong(requests.group(1)), socketErrors ? Long.parseLong(socket.group(1)) : 0,
                socketErrors ? Long.parseLong(socket.group(2)) : 0, socketErrors ? Long.parseLong(socket.group(3)) : 0,
                socketErrors ? Long.parseLong(socket.group(4)) : 0, status.find() ? Long.parseLong(status.group(1)) : 0,
                percentile(text, "50%"), percentile(text, "99%"), text);
    }

    private static String percentile(String text, String which) {
        Matcher m = Pattern.compile("^\\s*" + which + "\\s+(\\S+)", Pattern.MULTILINE).matcher(text);
        return m.find() ? m.group(1) : "?";
    }
}

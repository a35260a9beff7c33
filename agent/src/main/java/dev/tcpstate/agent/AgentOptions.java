package dev.tcpstate.agent;

import dev.tcpstate.agent.kernel.KernelSampler;
import dev.tcpstate.agent.kernel.KernelTables;
import dev.tcpstate.contract.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's options: {@code key=value} pairs separated by commas, as given after
 * {@code -javaagent:tcpstate-agent.jar=}. Unknown keys and bad values are errors with one clear line.
 */
public record AgentOptions(String record, long kernelIntervalNanos, KernelTables.Choice kernelReader,
        int maxConnections, boolean verbose, Duration duration, Boolean live, String install,
        boolean kernelIntervalChosen) {

    /**
     * Whether to track connections (and read the kernel's table) while no recording wants the agent's
     * events, for the MBeans and the {@code connections} command: by default yes when attached to a
     * running JVM (someone is looking), no from {@code -javaagent} (idle until a recording starts).
     */
    public boolean tracksWithoutRecording(boolean atLaunch) {
        return live == null ? !atLaunch : live;
    }

    /**
     * Whether to weave before {@code main} starts. By default yes when recording (the recording
     * should hold every connection), and in the background otherwise, so that start-up stays fast;
     * connections opened meanwhile are found by the kernel view if they live on.
     */
    public boolean weaveBeforeMain() {
        return install == null ? record != null : install.equals("sync");
    }

    /** Options and what they mean, for the error message and the README. */
    public static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("record", "<file.jfr>: start a recording of tcpstate's events (and JDK defaults), written at exit");
        KNOWN.put("kernelInterval", "<duration>|off: how often to read the kernel's TCP table (default 1s; e.g. 500ms, 5s)");
        KNOWN.put("kernelReader", "auto|netlink|proc: how to read it (auto: netlink where native access is enabled)");
        KNOWN.put("maxConnections", "<n>: most connections tracked at once (default 100000)");
        KNOWN.put("verbose", "true|false: print what was woven");
        KNOWN.put("install", "sync|async: weave before main starts, or in the background (default: sync with record=)");
        KNOWN.put("duration", "<duration>: with record=, stop and write the recording after this long");
        KNOWN.put("live", "on|off: track connections while no recording wants tcpstate's events, for the MBeans and "
                + "the connections command (default: on when attached, off from -javaagent)");
    }

    /** Thrown for a bad option; its message is the one line the user sees. */
    public static final class BadOption extends Exception {
        private static final long serialVersionUID = 1L;

        BadOption(String message) {
            super(message);
        }
    }

    public static AgentOptions parse(String text) throws BadOption {
        String record = null;
        long kernelInterval = KernelSampler.DEFAULT_INTERVAL_NANOS;
        KernelTables.Choice kernelReader = KernelTables.Choice.AUTO;
        int maxConnections = 100_000;
        boolean verbose = false;
        Duration duration = null;
        Boolean live = null;
        String install = null;
        boolean kernelIntervalChosen = false;
        if (text != null && !text.isBlank()) {
            for (String pair : text.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new BadOption("option '" + pair + "' is not key=value; known options: " + KNOWN.keySet());
                }
                String key = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                switch (key) {
                    case "record":
                        if (value.isEmpty()) {
                            throw new BadOption("record= needs a file name, e.g. record=out.jfr");
                        }
                        record = value;
                        break;
                    case "kernelInterval":
                        try {
                            kernelInterval = KernelSampler.parseInterval(value);
                            kernelIntervalChosen = true;
                        } catch (IllegalArgumentException e) {
                            throw new BadOption(e.getMessage());
                        }
                        break;
                    case "kernelReader":
                        try {
                            kernelReader = KernelTables.Choice.parse(value);
                        } catch (IllegalArgumentException e) {
                            throw new BadOption(e.getMessage());
                        }
                        break;
                    case "maxConnections":
                        try {
                            maxConnections = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            maxConnections = -1;
                        }
                        if (maxConnections < 1) {
                            throw new BadOption("maxConnections must be a positive number, not '" + value + "'");
                        }
                        break;
                    case "verbose":
                        verbose = Boolean.parseBoolean(value);
                        break;
                    case "duration":
                        duration = parseDuration(key, value);
                        break;
                    case "live":
                        if (!value.equals("on") && !value.equals("off")) {
                            throw new BadOption("live must be on or off, not '" + value + "'");
                        }
                        live = value.equals("on");
                        break;
                    case "install":
                        if (!value.equals("sync") && !value.equals("async")) {
                            throw new BadOption("install must be sync or async, not '" + value + "'");
                        }
                        install = value;
                        break;
                    default:
                        throw new BadOption("unknown option '" + key + "'; known options: " + KNOWN.keySet());
                }
            }
        }
        return new AgentOptions(record, kernelInterval, kernelReader, maxConnections, verbose, duration, live, install,
                kernelIntervalChosen);
    }

    /** A duration of {@link Durations}' grammar ({@code 500ms}, {@code 1.5s}, {@code 2m}, {@code 1h}), above zero. */
    public static Duration parseDuration(String key, String value) throws BadOption {
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new BadOption(key + ": " + e.getMessage());
        }
        if (d.isZero()) {
            throw new BadOption(key + " must be longer than 0, not '" + value + "'");
        }
        return d;
    }
}

package dev.tcpstate.agent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's options: {@code key=value} pairs separated by commas, as given after
 * {@code -javaagent:tcpstate-agent.jar=}. Unknown keys and bad values are errors with one clear line.
 */
public record AgentOptions(String record, Duration kernelInterval, int maxConnections, boolean verbose) {

    /** Options and what they mean, for the error message and the README. */
    public static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("record", "<file.jfr>: start a recording of tcpstate's events (and JDK defaults), written at exit");
        KNOWN.put("kernelInterval", "<duration>|off: how often to read the kernel's TCP table (e.g. 500ms, 5s)");
        KNOWN.put("maxConnections", "<n>: most connections tracked at once (default 100000)");
        KNOWN.put("verbose", "true|false: print what was woven");
    }

    public static final Duration DEFAULT_KERNEL_INTERVAL = Duration.ofSeconds(1);

    /** Thrown for a bad option; its message is the one line the user sees. */
    public static final class BadOption extends Exception {
        private static final long serialVersionUID = 1L;

        BadOption(String message) {
            super(message);
        }
    }

    public static AgentOptions parse(String text) throws BadOption {
        String record = null;
        Duration kernelInterval = DEFAULT_KERNEL_INTERVAL;
        int maxConnections = 100_000;
        boolean verbose = false;
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
                        kernelInterval = "off".equalsIgnoreCase(value) ? null : parseDuration(key, value);
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
                    default:
                        throw new BadOption("unknown option '" + key + "'; known options: " + KNOWN.keySet());
                }
            }
        }
        return new AgentOptions(record, kernelInterval, maxConnections, verbose);
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
    public static Duration parseDuration(String key, String value) throws BadOption {
        String v = value.toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < v.length() && Character.isDigit(v.charAt(split))) {
            split++;
        }
        if (split == 0 || split == v.length()) {
            throw new BadOption(key + " needs a duration with a unit (500ms, 5s, 2m), not '" + value + "'");
        }
        long n = Long.parseLong(v.substring(0, split));
        switch (v.substring(split)) {
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            default:
                throw new BadOption(key + ": unknown unit in '" + value + "' (use ms, s, m or h)");
        }
    }
}

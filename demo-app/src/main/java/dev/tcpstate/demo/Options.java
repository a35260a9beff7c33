package dev.tcpstate.demo;

import java.time.Duration;
import java.util.Locale;

/**
 * The demo's command-line options; each scenario picks its own default for what is not given.
 *
 * @param hold        how long a scenario keeps its pathology in place for a person or a sampler to see
 * @param connections pooled (or aborted) connections per scenario; null: the scenario's default
 * @param requests    requests per scenario; null: the scenario's default
 */
public record Options(Duration hold, Integer connections, Integer requests) {
    public static final Duration DEFAULT_HOLD = Duration.ofSeconds(3);

    public static Options defaults() {
        return new Options(DEFAULT_HOLD, null, null);
    }

    public int connections(int fallback) {
        return connections == null ? fallback : connections;
    }

    public int requests(int fallback) {
        return requests == null ? fallback : requests;
    }

    /** Parses {@code --hold 5s --connections 20 --requests 1000}; throws with a one-line message on anything else. */
    public static Options parse(String[] args, int from) {
        Duration hold = DEFAULT_HOLD;
        Integer connections = null;
        Integer requests = null;
        for (int i = from; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--hold":
                    hold = duration(value);
                    break;
                case "--connections":
                    connections = count(option, value, 1, 1_000);
                    break;
                case "--requests":
                    requests = count(option, value, 1, 20_000);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new Options(hold, connections, requests);
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}; a bare number is seconds. */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            } else if (t.endsWith("m")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            } else {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            }
            if (d.isNegative() || d.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("--hold must be between 0 and 10m: " + text);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + text + " (e.g. 500ms, 5s, 2m)");
        }
    }

    private static int count(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a number from " + min + " to " + max + ": " + value);
    }
}

package dev.tcpstate.contract;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them ({@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 2m}, {@code 1h}) and read
 * them: the one grammar of every duration the agent's options and the analyzer's flags take.
 */
public final class Durations {
    private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|min|h)");

    private Durations() {
    }

    /** @throws IllegalArgumentException with a message fit for the user when {@code text} is not a duration */
    public static Duration parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: give a number and a unit, e.g. 500ms, 5s, 2m");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        long nanosPerUnit = switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m", "min" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        try {
            return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }

    /** A duration for reading: {@code 850 ms}, {@code 12.3 s}, {@code 4 min 05 s}, {@code 1 h 02 min}. */
    public static String format(long nanos) {
        if (nanos < 1_000_000L) {
            return nanos < 1_000L ? nanos + " ns" : nanos / 1_000L + " µs";
        }
        if (nanos < 1_000_000_000L) {
            return nanos / 1_000_000L + " ms";
        }
        if (nanos < 60_000_000_000L) {
            double s = nanos / 1e9;
            return s < 10 ? String.format(Locale.ROOT, "%.2f s", s) : String.format(Locale.ROOT, "%.1f s", s);
        }
        long seconds = nanos / 1_000_000_000L;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, (seconds % 3600) / 60);
    }

    public static String format(Duration d) {
        return format(d.toNanos());
    }

    /** The shortest way to write {@code d} that {@link #parse} reads back, e.g. {@code 5s}. */
    public static String toText(Duration d) {
        long n = d.toNanos();
        if (n % 3_600_000_000_000L == 0 && n > 0) {
            return n / 3_600_000_000_000L + "h";
        }
        if (n % 60_000_000_000L == 0 && n > 0) {
            return n / 60_000_000_000L + "m";
        }
        if (n % 1_000_000_000L == 0) {
            return n / 1_000_000_000L + "s";
        }
        if (n % 1_000_000L == 0) {
            return n / 1_000_000L + "ms";
        }
        return n + "ns";
    }
}

package dev.tcpstate.analyzer.findings;

import dev.tcpstate.contract.Durations;

import java.time.Duration;
import java.util.function.Function;

/**
 * A threshold of a finding, declared once: its id (also the command line flag {@code --<id>}, and
 * {@code tcpstate.<id>} where a JMC rule offers it), a label, a description, a unit and a default.
 */
public final class Preference<T> {
    /** The kinds of value a preference takes, with how a person writes one. */
    public enum Unit {
        DURATION("duration", "a number and a unit: 500ms, 5s, 2m"),
        COUNT("count", "a whole number"),
        PREFIXES("prefixes", "package prefixes separated by commas, e.g. com.acme.http.,org.example.net.");

        private final String label;
        private final String syntax;

        Unit(String label, String syntax) {
            this.label = label;
            this.syntax = syntax;
        }

        public String label() {
            return label;
        }

        public String syntax() {
            return syntax;
        }
    }

    private final String id;
    private final String label;
    private final String description;
    private final Unit unit;
    private final Class<T> valueType;
    private final T defaultValue;
    private final Function<String, T> parser;
    private final Function<T, String> printer;

    private Preference(String id, String label, String description, Unit unit, Class<T> valueType, T defaultValue,
            Function<String, T> parser, Function<T, String> printer) {
        this.id = id;
        this.label = label;
        this.description = description;
        this.unit = unit;
        this.valueType = valueType;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.printer = printer;
    }

    public static Preference<Duration> duration(String id, String label, String description, Duration defaultValue) {
        return new Preference<>(id, label, description, Unit.DURATION, Duration.class, defaultValue,
                Durations::parse, Durations::toText);
    }

    public static Preference<Long> count(String id, String label, String description, long defaultValue) {
        return new Preference<>(id, label, description, Unit.COUNT, Long.class, defaultValue,
                Preference::parseCount, String::valueOf);
    }

    /** Package prefixes, written separated by commas; the value keeps them so, normalised. */
    public static Preference<String> prefixes(String id, String label, String description) {
        return new Preference<>(id, label, description, Unit.PREFIXES, String.class, "",
                Preference::parsePrefixes, String::valueOf);
    }

    private static String parsePrefixes(String text) {
        StringBuilder b = new StringBuilder();
        for (String p : text.split(",")) {
            String prefix = p.trim();
            if (prefix.isEmpty()) {
                continue;
            }
            if (!prefix.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*\\.?")) {
                throw new IllegalArgumentException("'" + prefix + "' is not a package prefix: give names such as"
                        + " com.acme.http., separated by commas");
            }
            b.append(b.length() == 0 ? "" : ",").append(prefix);
        }
        return b.toString();
    }

    private static Long parseCount(String text) {
        try {
            long v = Long.parseLong(text.trim());
            if (v < 0) {
                throw new IllegalArgumentException("'" + text + "' is negative: give a whole number of 0 or more");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a count: give a whole number, e.g. 1000");
        }
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    public Unit unit() {
        return unit;
    }

    public Class<T> valueType() {
        return valueType;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** @throws IllegalArgumentException with a message fit for the user */
    public T parse(String text) {
        return parser.apply(text);
    }

    /** The value as it would be written on the command line. */
    public String toText(T value) {
        return printer.apply(value);
    }

    /** The value as a person reads it in a report. */
    public String display(T value) {
        if (value instanceof String s && s.isEmpty()) {
            return "none";
        }
        return value instanceof Duration d ? Durations.format(d) : String.valueOf(value);
    }

    @Override
    public String toString() {
        return id;
    }
}

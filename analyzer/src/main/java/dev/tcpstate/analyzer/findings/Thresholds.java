package dev.tcpstate.analyzer.findings;

import java.util.LinkedHashMap;
import java.util.Map;

/** The value of each preference for one analysis: its default unless set. */
public final class Thresholds {
    private final Map<Preference<?>, Object> values;

    private Thresholds(Map<Preference<?>, Object> values) {
        this.values = values;
    }

    public static Thresholds defaults() {
        return new Thresholds(new LinkedHashMap<>());
    }

    public <T> Thresholds with(Preference<T> preference, T value) {
        Map<Preference<?>, Object> copy = new LinkedHashMap<>(values);
        copy.put(preference, preference.valueType().cast(value));
        return new Thresholds(copy);
    }

    public <T> T get(Preference<T> preference) {
        Object v = values.get(preference);
        return v == null ? preference.defaultValue() : preference.valueType().cast(v);
    }

    /** The value of {@code preference} for a report, e.g. {@code 5.00 s}. */
    public <T> String display(Preference<T> preference) {
        return preference.display(get(preference));
    }
}

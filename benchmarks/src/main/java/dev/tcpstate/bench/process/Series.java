package dev.tcpstate.bench.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One configuration's figures over the rounds of a comparison: min / median / max. */
final class Series {
    final String name;
    final List<Double> values = new ArrayList<>();

    Series(String name) {
        this.name = name;
    }

    /** A missing figure counts as NaN, so that the rounds stay aligned. */
    void add(Double v) {
        values.add(v == null ? Double.NaN : v);
    }

    double[] sorted() {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    double median() {
        return median(sorted());
    }

    static double median(double[] s) {
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    String stats() {
        double[] s = sorted();
        return String.format(Locale.ROOT, "%10.1f / %10.1f / %10.1f", s[0], median(s), s[s.length - 1]);
    }

    String tsv() {
        double[] s = sorted();
        return String.format(Locale.ROOT, "%.2f\t%.2f\t%.2f", s[0], median(s), s[s.length - 1]);
    }
}

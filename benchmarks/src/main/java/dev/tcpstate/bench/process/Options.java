package dev.tcpstate.bench.process;

import java.util.LinkedHashMap;
import java.util.Map;

/** The benchmark drivers' command line: every option is {@code --key=value}. */
final class Options {

    private Options() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> opt = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("options are --key=value, not " + a);
            }
            opt.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        return opt;
    }
}

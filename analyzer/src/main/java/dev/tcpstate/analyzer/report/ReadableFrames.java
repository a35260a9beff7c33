package dev.tcpstate.analyzer.report;

import java.util.ArrayList;
import java.util.List;

import dev.tcpstate.analyzer.findings.CodeSite;
import dev.tcpstate.analyzer.load.Frame;

/**
 * Stack frames as a person reads them: a lambda is {@code lambda in com.example.Foo.bar:12} rather
 * than {@code Foo.lambda$bar$0} and its hidden class {@code Foo$$Lambda$14/0x0000000800c03000.run}
 * (or {@code Foo$$Lambda.0x…}, as newer JDKs name it), and the frames that only launched the program
 * (reflection, the Java launcher, JUnit and Surefire) are left out: they say nothing of the code.
 */
final class ReadableFrames {
    private static final String HIDDEN_LAMBDA_CLASS = "$$Lambda";
    private static final List<String> LAUNCHER_PREFIXES = List.of("jdk.internal.reflect.", "java.lang.reflect.",
            "sun.reflect.", "sun.launcher.", "java.lang.invoke.", "jdk.internal.misc.", "org.junit.",
            "junit.", "org.apache.maven.surefire.", "org.apache.maven.plugin.surefire.", "com.intellij.rt.");

    private ReadableFrames() {
    }

    static String of(Frame frame) {
        String type = frame.className();
        int hidden = type.indexOf(HIDDEN_LAMBDA_CLASS);
        if (hidden >= 0) {
            return "lambda in " + type.substring(0, hidden);
        }
        String method = frame.methodName();
        if (method.startsWith("lambda$")) {
            int end = method.indexOf('$', "lambda$".length());
            String enclosing = method.substring("lambda$".length(), end < 0 ? method.length() : end);
            return "lambda in " + type + "." + enclosing + (frame.line() >= 0 ? ":" + frame.line() : "");
        }
        return frame.toString();
    }

    /** The callers worth printing: no lambda's hidden class frame, no launcher frame. */
    static List<String> callers(List<Frame> frames) {
        List<String> out = new ArrayList<>();
        for (Frame f : frames) {
            if (!f.className().contains(HIDDEN_LAMBDA_CLASS) && !isLauncher(f)) {
                out.add(of(f));
            }
        }
        return out;
    }

    /**
     * {@code text} that names {@code site} (a finding's summary, {@link CodeSite#describe()}), with the
     * site's frame written as {@link #of(Frame)} writes it.
     */
    static String in(String text, CodeSite site) {
        return site.frame() == null ? text : text.replace(site.frame().toString(), of(site.frame()));
    }

    static boolean isLauncher(Frame f) {
        String type = f.className();
        return LAUNCHER_PREFIXES.stream().anyMatch(type::startsWith);
    }
}

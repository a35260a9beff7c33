package dev.tcpstate.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The jars the build made, which the integration tests run: each module's failsafe configuration
 * names them in a system property ({@code tcpstate.agent.jar}, ...).
 */
public final class Artifacts {

    private Artifacts() {
    }

    /** The shaded agent jar; in the agent module's own tests, {@code target/tcpstate-agent.jar} by default. */
    public static Path agentJar() {
        return built("tcpstate.agent.jar", "target/tcpstate-agent.jar");
    }

    /** {@code tcpstate-demo.jar}, for demo-app's and the analyzer's integration tests. */
    public static Path demoJar() {
        return built("tcpstate.demo.jar", null);
    }

    /** {@code tcpstate-analyzer.jar}, for the analyzer's integration tests. */
    public static Path analyzerJar() {
        return built("tcpstate.analyzer.jar", null);
    }

    private static Path built(String property, String otherwise) {
        String name = System.getProperty(property, otherwise);
        if (name == null) {
            throw new IllegalStateException("-D" + property + " is not set: the integration tests (failsafe) set it");
        }
        Path jar = Path.of(name).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("not built: " + jar + " (run mvn package first)");
        }
        return jar;
    }
}

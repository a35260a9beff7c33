package dev.tcpstate.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real JVM of the same JDK as the test, run to completion, its output captured. */
public record ChildJvm(int exitCode, String stdout, String stderr) {

    public static Path agentJar() {
        String jar = System.getProperty("tcpstate.agent.jar", "target/tcpstate-agent.jar");
        Path p = Path.of(jar).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("agent jar not built: " + p + " (run mvn package first)");
        }
        return p;
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Only the test classes: the child must see the agent's classes through the agent jar alone. */
    public static String testClasses() {
        try {
            return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int featureVersion() {
        return Runtime.version().feature();
    }

    /** Runs {@code java <jvmArgs> -cp <test classpath> <mainClass> <args>}. */
    public static ChildJvm run(List<String> jvmArgs, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(testClasses());
        command.add(mainClass);
        command.addAll(List.of(args));
        Path out = Files.createTempFile("tcpstate-child", ".out");
        Path err = Files.createTempFile("tcpstate-child", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("child JVM did not finish in 120 s: " + command + "\n"
                        + Files.readString(err));
            }
            return new ChildJvm(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

package dev.tcpstate.agent.reliability;

import dev.tcpstate.agent.it.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the reliability tests' child JVMs: like {@link ChildJvm#run}, with a working directory, a
 * bound on how long the child may take, and, for tests that watch a running child, its process.
 */
final class Launch {

    private Launch() {
    }

    /** {@code -javaagent:<the real shaded jar>=<options>}. */
    static String agent(String options) {
        return "-javaagent:" + ChildJvm.agentJar() + (options.isEmpty() ? "" : "=" + options);
    }

    static List<String> command(List<String> jvmArgs, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.javaExecutable());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(ChildJvm.testClasses());
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a child to completion in {@code workDir} (null: the test's), killing it after {@code limit}. */
    static ChildJvm run(Path workDir, Duration limit, List<String> jvmArgs, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = command(jvmArgs, mainClass.getName(), args);
        Path out = Files.createTempFile("tcpstate-reliability", ".out");
        Path err = Files.createTempFile("tcpstate-reliability", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("child JVM did not finish in " + limit + ": " + command + "\nstdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            return new ChildJvm(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

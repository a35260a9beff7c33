package dev.tcpstate.agent.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What can be said about a target process before and after an attach fails, in one line. */
final class Targets {

    private Targets() {
    }

    /** Fails early, with a clear reason, for a pid that cannot be a target. */
    static void check(long pid) throws AttachCli.Failure {
        if (pid <= 0) {
            throw new AttachCli.Failure(AttachCli.USAGE, "pid must be a positive number, not " + pid);
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new AttachCli.Failure(AttachCli.USAGE, "that is this command's own pid");
        }
        if (ProcessHandle.of(pid).isEmpty()) {
            throw new AttachCli.Failure(AttachCli.USAGE, "no process with pid " + pid);
        }
        Path proc = Path.of("/proc", String.valueOf(pid));
        if (Files.isDirectory(proc)) {
            Integer owner = uidOf(proc);
            Integer me = uidOf(Path.of("/proc/self"));
            if (owner != null && me != null && me != 0 && !owner.equals(me)) {
                throw new AttachCli.Failure(AttachCli.REFUSED, "process " + pid + " belongs to another user (uid " + owner
                        + "); run this command as that user");
            }
            if (!isJvm(proc)) {
                throw new AttachCli.Failure(AttachCli.REFUSED, "process " + pid + " is not a Java virtual machine");
            }
        }
    }

    static String whyAttachFailed(long pid, Exception e) {
        Path proc = Path.of("/proc", String.valueOf(pid));
        if (Files.isDirectory(proc) && isJvm(proc)) {
            return "cannot attach to JVM " + pid + ": its attach mechanism is off (-XX:+DisableAttachMechanism) or "
                    + "it does not answer (" + e.getMessage() + ")";
        }
        return "cannot attach to process " + pid + ": " + e.getMessage();
    }

    static String whyLoadFailed(long pid, Exception e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("not enabled") || m.contains("EnableDynamicAgentLoading")) {
            return "JVM " + pid + " refuses agents loaded at run time (-XX:-EnableDynamicAgentLoading): start it with "
                    + "-javaagent:tcpstate-agent.jar instead";
        }
        return "JVM " + pid + " did not load the agent: " + m;
    }

    static int featureOf(String specificationVersion) {
        try {
            String s = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
            int dot = s.indexOf('.');
            return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Integer uidOf(Path proc) {
        try {
            return (Integer) Files.getAttribute(proc, "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A process that has libjvm mapped is a HotSpot (or OpenJ9) JVM. */
    private static boolean isJvm(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("maps"))) {
                if (line.endsWith("/libjvm.so") || line.endsWith("/libj9vm29.so")) {
                    return true;
                }
            }
            return false;
        } catch (IOException | SecurityException e) {
            return true; // cannot tell: let the attach itself say what is wrong
        }
    }

}

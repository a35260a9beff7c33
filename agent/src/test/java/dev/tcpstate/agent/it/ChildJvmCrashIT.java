package dev.tcpstate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A child JVM that crashes says why in what the test sees: once in CI a child ended with exit code
 * 134 (SIGABRT) and an empty stderr, its fatal error report lost in a working directory nobody kept.
 */
class ChildJvmCrashIT {

    @Test
    void aCrashedChildsFatalErrorReportIsAppendedToItsStderr() throws Exception {
        Exited run = ChildJvm.java().jvmArgs("-Xmx16m", "-XX:+CrashOnOutOfMemoryError", "-XX:-CreateCoredumpOnCrash")
                .main(FillsTheHeap.class).run();
        assertNotEquals(0, run.exitCode(), run.stderr()); // 1 for this crash; 134 for a SIGABRT
        assertTrue(run.stderr().contains("the child JVM crashed; the head of its fatal error report"), run.stderr());
        assertTrue(run.stderr().contains("A fatal error has been detected by the Java Runtime Environment"), run.stderr());
    }

    @Test
    void aChildThatEndsNormallyHasNoReport() throws Exception {
        Exited run = ChildJvm.java().main(Scenarios.class, "refused").run();
        assertEquals(0, run.exitCode(), run.stderr());
        assertFalse(run.stderr().contains("fatal error report"), run.stderr());
    }

    /** Allocates until the heap is full: with {@code -XX:+CrashOnOutOfMemoryError} the JVM then aborts. */
    public static final class FillsTheHeap {
        public static void main(String[] args) {
            List<long[]> held = new ArrayList<>();
            for (int i = 0; i < 1_000_000; i++) {
                held.add(new long[100_000]);
            }
            System.out.println(held.size());
        }
    }
}

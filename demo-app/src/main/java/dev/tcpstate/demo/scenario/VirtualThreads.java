package dev.tcpstate.demo.scenario;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Virtual threads reached by reflection, so the demo compiles for Java 17 and runs on 17 without them. */
final class VirtualThreads {
    private VirtualThreads() {
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()} on JDK 21+, null before. */
    static ExecutorService newPerTaskExecutor() {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        try {
            Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) factory.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}

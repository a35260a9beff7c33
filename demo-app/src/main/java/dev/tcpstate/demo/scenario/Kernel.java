package dev.tcpstate.demo.scenario;

import dev.tcpstate.demo.kernel.TcpTable;
import java.time.Duration;
import java.util.function.ToLongFunction;

/** What the scenarios ask the kernel, phrased for their result lines. */
final class Kernel {
    private Kernel() {
    }

    /** Counts with {@code query}, retrying briefly until it reaches {@code expected}: a FIN may still be on its way. */
    static long count(ToLongFunction<TcpTable> query, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long count = query.applyAsLong(TcpTable.snapshot());
        while (count < expected && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            count = query.applyAsLong(TcpTable.snapshot());
        }
        return count;
    }

    /** "(kernel)" where there is a table to ask, or why not. */
    static String says(long count) {
        return TcpTable.available() ? count + " (kernel)" : "? (no kernel TCP table on this OS; use ss or netstat)";
    }
}

package dev.tcpstate.agent.kernel;

import java.io.IOException;

/**
 * One way of reading the kernel's TCP table of this process's network namespace: every row of
 * {@code tcp6} and {@code tcp}, handed to {@link KernelRowSink#row} one by one. Used by one thread
 * at a time (the sampler's); implementations reuse their buffers between reads.
 */
public interface KernelTable extends AutoCloseable {

    /** {@code "proc"} or {@code "netlink"}: what the benchmark and the sample event call this reader. */
    String name();

    /**
     * Reads the whole table once, calling only {@link KernelRowSink#row}; the caller brackets it with
     * {@code beginSample} and {@code endSample}.
     *
     * @return the number of rows handed to the sink
     */
    int read(KernelRowSink sink) throws IOException;

    @Override
    default void close() {
    }
}

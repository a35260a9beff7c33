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

    /**
     * As {@link #read(KernelRowSink)}, leaving out the rows in TIME_WAIT when {@code timeWait} is false
     * and this reader can ({@link #canLeaveOutTimeWait}): a storm's tens of thousands of them are what
     * a sample costs, and a sink that tracks no connection that could be among them has no use for them.
     */
    default int read(KernelRowSink sink, boolean timeWait) throws IOException {
        return read(sink);
    }

    /** Whether {@link #read(KernelRowSink, boolean)} can leave out the rows in TIME_WAIT (netlink's state filter; not {@code /proc}). */
    default boolean canLeaveOutTimeWait() {
        return false;
    }

    /**
     * What the kernel counts for one socket of the table beyond its row: the milliseconds since the
     * peer's last segment that carried an ACK ({@code tcp_info}'s {@code tcpi_last_ack_recv}), asked for
     * that socket alone, so that no sample pays for it. In CLOSE_WAIT that is the time since the peer's
     * FIN (a pure FIN does not move {@code tcpi_last_data_recv}), unless the peer sent more after it.
     * Called from the reading thread, also from within {@link #read}'s calls of the sink.
     *
     * @return -1 where this reader cannot ask ({@code /proc}), or when the socket is gone or no longer
     *     in the row's state
     */
    default long millisSinceLastAckReceived(KernelRow row) {
        return -1;
    }

    /**
     * The kernel's state of one connection at this moment, by its 4-tuple (addresses in a row's form,
     * IPv4 mapped), asked for that connection alone: what a close asks before it runs. Unlike the other
     * methods, callable from any thread at once, also during or after {@link #close}; never throws.
     *
     * @return the state code (see {@link KernelRow#linuxState}), or -1 where this reader cannot ask
     *     ({@code /proc}: no per-socket query is cheap there) or the kernel lists no such connection
     */
    default int linuxStateNow(long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
            int remotePort) {
        return -1;
    }

    @Override
    default void close() {
    }
}

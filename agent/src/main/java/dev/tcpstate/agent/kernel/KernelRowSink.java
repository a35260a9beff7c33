package dev.tcpstate.agent.kernel;

/**
 * Receives one sample of the kernel's TCP table, row by row, without allocation per row.
 *
 * <p>Addresses are 128-bit, as the kernel's {@code tcp6} table prints them once normalised to network
 * order: {@code hi} holds bytes 0..7, {@code lo} bytes 8..15 (big-endian within each long). IPv4
 * addresses (rows of {@code /proc/net/tcp}) are given in their IPv4-mapped form
 * {@code ::ffff:a.b.c.d}, so a dual-stack Java socket and a plain IPv4 one match the same way.
 * The connection registry implements this; the sampler calls it from its own thread only.
 */
public interface KernelRowSink {

    /** A sample begins; {@code nanoTime} is {@link System#nanoTime()} when reading started. */
    void beginSample(long nanoTime);

    /**
     * One row.
     *
     * @param linuxState the kernel's state code, 1..11 (see {@code TcpState.fromLinuxCode})
     * @param inode the socket inode; 0 for TIME_WAIT, orphaned and not-yet-accepted rows
     * @param timerMillisLeft time left on the row's active timer (TIME_WAIT's 2MSL, retransmission,
     *     keep-alive...), or -1 when no timer runs
     */
    void row(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort,
            int linuxState, long inode, long timerMillisLeft);

    /** The sample is complete: rows of tracked connections not reported in it have vanished. */
    void endSample();
}

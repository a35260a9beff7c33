package dev.tcpstate.agent.kernel;

/**
 * Receives one sample of the kernel's TCP table, row by row, without allocation per row (one
 * {@link KernelRow}, refilled for each). The connection registry implements this; the sampler calls
 * it from its own thread only.
 */
public interface KernelRowSink {

    /**
     * The table the samples will be read from, before the first: what the sink may ask of a row beyond
     * what the row says ({@link KernelTable#millisSinceLastAckReceived}), from the sampler's thread only.
     */
    default void readingFrom(KernelTable table) {
    }

    /** A sample begins; {@code nanoTime} is {@link System#nanoTime()} when reading started. */
    void beginSample(long nanoTime);

    /**
     * Asked after {@link #beginSample}, of a reader that {@link KernelTable#canLeaveOutTimeWait can}:
     * whether this sample needs the rows in TIME_WAIT; without them, the sink asks the table about the
     * connections it missed ({@link KernelTable#linuxStateNow}).
     */
    default boolean wantsTimeWaitRows() {
        return true;
    }

    /** One row, valid during this call only: the reader fills the same instance with the next. */
    void row(KernelRow row);

    /** The sample is complete: rows of tracked connections not reported in it have vanished. */
    void endSample();
}

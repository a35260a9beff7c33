package dev.tcpstate.agent.registry;

import java.util.concurrent.TimeUnit;

/**
 * This JVM's connections the kernel showed in TIME_WAIT, counted once they are no longer tracked.
 * TIME_WAIT ends by itself (its 2MSL timer, or a new SYN on the same 4-tuple): the event that says the
 * kernel entered it, with the timer's time left, is all a reader needs, so the registry lets such a
 * connection go at once instead of holding its objects through the 60 s and sampling its row to
 * the end. What stays is a count per second of expiry: {@value #SLOTS} slots, a fixed size whatever the
 * churn. Counts are exact to the second at which each timer ends.
 */
final class TimeWaits {
    /** One slot per second of expiry: TIME_WAIT lasts at most 60 s on Linux, and a slot for the second under way. */
    static final int SLOTS = 64;
    private static final long SLOT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long DEFAULT_LEFT_NANOS = Assumptions.TIME_WAIT_NANOS;

    /** Per slot: the second (nanoTime / 1 s) it counts expiries of, and how many expire then. */
    private final long[] second = new long[SLOTS];
    private final int[] count = new int[SLOTS];
    /** Per slot: the earliest entry into TIME_WAIT of the connections counted there. */
    private final long[] earliestEntry = new long[SLOTS];

    /** A connection that entered TIME_WAIT at {@code enteredNanos}, its timer ending {@code timerMillisLeft} from now (-1: unknown). */
    synchronized void add(long enteredNanos, long nowNanos, long timerMillisLeft) {
        long left = timerMillisLeft >= 0 ? TimeUnit.MILLISECONDS.toNanos(timerMillisLeft)
                : DEFAULT_LEFT_NANOS - (nowNanos - enteredNanos);
        long s = Math.floorDiv(nowNanos + Math.max(left, 0), SLOT_NANOS);
        int i = (int) Math.floorMod(s, SLOTS);
        if (second[i] != s || count[i] == 0) {
            second[i] = s;
            count[i] = 0;
            earliestEntry[i] = enteredNanos;
        }
        count[i]++;
        earliestEntry[i] = Math.min(earliestEntry[i], enteredNanos);
    }

    /**
     * Into {@code counts} (index 0: all still in TIME_WAIT at {@code nowNanos}; 1: those in it for at
     * least {@code lingerNanos}), and the longest time one of them has been in it, or 0.
     */
    synchronized long count(long nowNanos, long lingerNanos, long[] counts) {
        long now = Math.floorDiv(nowNanos, SLOT_NANOS);
        long all = 0;
        long lingering = 0;
        long oldest = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (count[i] == 0 || second[i] < now) {
                continue;
            }
            all += count[i];
            long age = nowNanos - earliestEntry[i];
            if (age >= lingerNanos) {
                lingering += count[i];
            }
            oldest = Math.max(oldest, age);
        }
        counts[0] = all;
        counts[1] = lingering;
        return oldest;
    }

    /** How many are still in TIME_WAIT at {@code nowNanos}. */
    int size(long nowNanos) {
        long[] counts = new long[2];
        count(nowNanos, Long.MAX_VALUE, counts);
        return (int) counts[0];
    }

    synchronized void clear() {
        java.util.Arrays.fill(count, 0);
    }
}

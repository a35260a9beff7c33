package dev.tcpstate.agent.registry;

import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every connection not yet CLOSED, including those the application released (TIME_WAIT...), by
 * identity; at most {@code capacity} of them. What did not fit, or had to make room, is counted as
 * evicted.
 */
final class LiveConnections {
    private final Set<Connection> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final int capacity;
    private final TupleIndex tuples;

    LiveConnections(int capacity, TupleIndex tuples) {
        this.capacity = capacity;
        this.tuples = tuples;
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return live.size();
    }

    /** A weakly consistent view. */
    Iterable<Connection> all() {
        return live;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    void add(Connection c) {
        live.add(c);
    }

    boolean remove(Connection c) {
        return live.remove(c);
    }

    void clear() {
        live.clear();
    }

    long evictedCount() {
        return evicted.get();
    }

    void countEvicted() {
        evicted.incrementAndGet();
    }

    /** True when one more fits; otherwise counts the one that does not. */
    boolean hasRoom() {
        if (live.size() < capacity) {
            return true;
        }
        evicted.incrementAndGet();
        return false;
    }

    /** As {@link #hasRoom}, forgetting released connections when that makes room. */
    boolean makeRoom() {
        if (live.size() < capacity || evictReleased()) {
            return true;
        }
        evicted.incrementAndGet();
        return false;
    }

    /**
     * Makes room when the registry is full: the connections the application released longest ago
     * (they wait only for the kernel to show their end) are forgotten, a batch at a time so that a
     * full registry under churn scans its contents rarely, and counted. Live connections the
     * application still holds are never evicted: new ones are then not tracked, and counted.
     */
    private synchronized boolean evictReleased() {
        if (live.size() < capacity) {
            return true; // another thread made room meanwhile
        }
        int batch = Math.max(1, capacity / 64);
        // the most recently released of the batch at the head, to be replaced by anything older
        PriorityQueue<Connection> oldest = new PriorityQueue<>(batch + 1,
                (a, b) -> Long.compare(b.releasedNanos, a.releasedNanos));
        for (Connection c : live) {
            synchronized (c) {
                if (!c.released) {
                    continue;
                }
            }
            if (oldest.size() < batch) {
                oldest.add(c);
            } else if (c.releasedNanos - oldest.peek().releasedNanos < 0) {
                oldest.poll();
                oldest.add(c);
            }
        }
        boolean evictedAny = false;
        for (Connection c : oldest) {
            if (live.remove(c)) {
                synchronized (c) {
                    tuples.remove(c);
                }
                evicted.incrementAndGet();
                evictedAny = true;
            }
        }
        return evictedAny;
    }
}

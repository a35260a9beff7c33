package dev.tcpstate.agent.registry;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections in a TIME_WAIT the agent assumes (no kernel view), in the order they entered it,
 * which is the order their end comes: 2MSL after they entered TIME_WAIT ({@code stateSinceNanos}).
 * At most as many as the registry holds connections; what does not fit is counted as evicted.
 */
final class AssumedTimeWaits {
    private final ConcurrentLinkedQueue<Connection> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LiveConnections live;

    AssumedTimeWaits(LiveConnections live) {
        this.live = live;
    }

    void add(Connection c) {
        if (size.get() >= live.capacity()) {
            live.countEvicted();
            return;
        }
        queue.add(c);
        size.incrementAndGet();
    }

    /** The one whose end comes first, or null. */
    Connection first() {
        return queue.peek();
    }

    void removeFirst() {
        queue.poll();
        size.decrementAndGet();
    }

    void clear() {
        queue.clear();
        size.set(0);
    }
}

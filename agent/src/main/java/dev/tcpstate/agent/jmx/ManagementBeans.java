package dev.tcpstate.agent.jmx;

import dev.tcpstate.agent.registry.Connection;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.TcpState;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The agent's MBeans in the platform MBean server: {@code dev.tcpstate:type=Agent} and one
 * {@code dev.tcpstate:type=ConnectionState,state=…} per TCP state. Registered by the agent's
 * housekeeping thread once the agent runs (never on the application's path), unregistered at stop.
 */
public final class ManagementBeans {

    public static final String DOMAIN = "dev.tcpstate";
    public static final String AGENT = DOMAIN + ":type=Agent";

    /** What only the agent's runtime knows. */
    public interface Agent {
        String version();

        int wovenMethods();

        long dropped();

        String recording();

        boolean kernelView();

        String stop();
    }

    private static final long SNAPSHOT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ConnectionRegistry registry;
    private final List<ObjectName> registered = new ArrayList<>();
    private long snapshotAt = Long.MIN_VALUE;
    private long[] counts;
    private long[] lingering;
    private long[] oldestNanos;

    private ManagementBeans(ConnectionRegistry registry) {
        this.registry = registry;
    }

    /** Registers the beans; when one cannot be, none stays registered and the cause is thrown. */
    public static ManagementBeans register(ConnectionRegistry registry, Agent agent) throws Exception {
        ManagementBeans beans = new ManagementBeans(registry);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            beans.add(server, new ObjectName(AGENT), new AgentBean(beans, agent), TcpStateMXBean.class);
            for (TcpState s : TcpState.values()) {
                if (s != TcpState.CLOSED) {
                    beans.add(server, new ObjectName(DOMAIN + ":type=ConnectionState,state=" + s.name()),
                            new StateBean(beans, s), ConnectionStateMXBean.class);
                }
            }
        } catch (Exception e) {
            beans.unregister();
            throw e;
        }
        return beans;
    }

    private <T> void add(MBeanServer server, ObjectName name, T bean, Class<T> type) throws Exception {
        if (server.isRegistered(name)) {
            server.unregisterMBean(name); // left by an earlier attach of this JVM that could not remove it
        }
        server.registerMBean(new javax.management.StandardMBean(bean, type, true), name);
        registered.add(name);
    }

    public void unregister() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName n : registered) {
            try {
                server.unregisterMBean(n);
            } catch (Exception ignored) {
                // already gone
            }
        }
        registered.clear();
    }

    /** The counts per state, recomputed at most once a second however often a scraper asks. */
    private synchronized void refresh() {
        long now = System.nanoTime();
        if (counts != null && now - snapshotAt < SNAPSHOT_NANOS) {
            return;
        }
        int n = TcpState.values().length;
        long[] c = new long[n];
        long[] l = new long[n];
        long[] o = new long[n];
        for (Connection conn : registry.liveConnections()) {
            TcpState s = conn.state();
            long inState = now - conn.stateSinceNanos();
            c[s.ordinal()]++;
            if (Connection.isLingering(s) && inState >= Connection.LINGER_NANOS) {
                l[s.ordinal()]++;
            }
            o[s.ordinal()] = Math.max(o[s.ordinal()], inState);
        }
        long[] untracked = new long[2];
        int tw = TcpState.TIME_WAIT.ordinal();
        o[tw] = Math.max(o[tw], registry.untrackedTimeWaits(now, Connection.LINGER_NANOS, untracked));
        c[tw] += untracked[0];
        l[tw] += untracked[1];
        counts = c;
        lingering = l;
        oldestNanos = o;
        snapshotAt = now;
    }

    ConnectionInfo[] connections(int limit) {
        long now = System.nanoTime();
        // ranked on a light copy first: only the ones returned become ConnectionInfo (strings and all)
        record Ranked(Connection connection, boolean lingers, long inStateNanos) {
        }
        List<Ranked> all = new ArrayList<>();
        for (Connection c : registry.liveConnections()) {
            all.add(new Ranked(c, Connection.isLingering(c.state()), now - c.stateSinceNanos()));
        }
        all.sort(Comparator.comparing((Ranked r) -> !r.lingers())
                .thenComparing(Comparator.comparingLong(Ranked::inStateNanos).reversed())
                .thenComparingLong(r -> r.connection().id()));
        int n = Math.min(Math.max(limit, 0), all.size());
        ConnectionInfo[] shown = new ConnectionInfo[n];
        for (int i = 0; i < n; i++) {
            shown[i] = info(all.get(i).connection(), now);
        }
        return shown;
    }

    private static ConnectionInfo info(Connection c, long now) {
        synchronized (c) {
            TcpState s = c.state();
            return new ConnectionInfo(c.id(), s.name(), c.stateSource().name(),
                    TimeUnit.NANOSECONDS.toMillis(Math.max(0, now - c.stateSinceNanos())), c.inStateSinceFirstSeen(),
                    TimeUnit.NANOSECONDS.toMillis(Math.max(0, now - c.firstSeenNanos())), c.role().name(), c.kind().recorded(),
                    text(c.local()), text(c.remote()), c.site().describe());
        }
    }

    private static String text(Endpoint e) {
        return e == null || e == Endpoint.UNKNOWN ? "" : e.toString();
    }

    private record AgentBean(ManagementBeans beans, Agent agent) implements TcpStateMXBean {
        @Override
        public String getVersion() {
            return agent.version();
        }

        @Override
        public int getTracked() {
            return beans.registry.size();
        }

        @Override
        public int getWovenMethods() {
            return agent.wovenMethods();
        }

        @Override
        public long getDropped() {
            return agent.dropped();
        }

        @Override
        public long getEvicted() {
            return beans.registry.evictedCount();
        }

        @Override
        public String getRecording() {
            String r = agent.recording();
            return r == null ? "" : r;
        }

        @Override
        public boolean isKernelView() {
            return agent.kernelView();
        }

        @Override
        public ConnectionInfo[] connections(int limit) {
            return beans.connections(limit);
        }

        @Override
        public String stop() {
            return agent.stop();
        }
    }

    private record StateBean(ManagementBeans beans, TcpState state) implements ConnectionStateMXBean {
        @Override
        public long getCount() {
            synchronized (beans) {
                beans.refresh();
                return beans.counts[state.ordinal()];
            }
        }

        @Override
        public long getLingering() {
            synchronized (beans) {
                beans.refresh();
                return beans.lingering[state.ordinal()];
            }
        }

        @Override
        public double getOldestSeconds() {
            synchronized (beans) {
                beans.refresh();
                return beans.oldestNanos[state.ordinal()] / 1e9;
            }
        }
    }
}

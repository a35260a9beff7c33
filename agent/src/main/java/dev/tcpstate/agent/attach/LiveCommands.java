package dev.tcpstate.agent.attach;

import com.sun.tools.attach.VirtualMachine;
import dev.tcpstate.agent.AgentStatus;
import dev.tcpstate.agent.attach.AttachCli.Failure;
import dev.tcpstate.agent.jmx.ConnectionInfo;
import dev.tcpstate.agent.jmx.ManagementBeans;
import dev.tcpstate.agent.jmx.TcpStateMXBean;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The commands that talk to the agent already in a JVM through its MBean, over the JDK's local JMX
 * connector (the one JConsole uses: the attach API starts it in the target on first use, and it
 * accepts connections from this host only): the agent is never loaded again.
 */
final class LiveCommands {

    private LiveCommands() {
    }

    /** What to do with the agent's MBean. */
    interface WithAgent {
        String run(TcpStateMXBean agent) throws Failure;
    }

    /** Runs {@code action} against the agent in {@code pid}; one line when there is none. */
    static String withAgent(long pid, WithAgent action) throws Failure {
        return AttachCli.onTarget(pid, vm -> {
            Properties props = vm.getSystemProperties();
            if (AttachCli.parsed(pid, () -> AgentStatus.liveIn(props)).isEmpty()) {
                throw new Failure(AttachCli.USAGE, AgentStatus.notInstalled().describe()
                        + " in process " + pid + " (attach first)");
            }
            try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(localConnector(vm)))) {
                MBeanServerConnection server = jmx.getMBeanServerConnection();
                ObjectName name = new ObjectName(ManagementBeans.AGENT);
                if (!awaitRegistered(server, name)) {
                    throw new Failure(AttachCli.USAGE, "the agent in process " + pid + " has no MBean after "
                            + MBEAN_WAIT_MILLIS / 1000 + " s: it registers it a second after it starts, when attached or "
                            + "started with live=on (see its stderr)");
                }
                return action.run(JMX.newMXBeanProxy(server, name, TcpStateMXBean.class));
            } catch (MalformedObjectNameException e) {
                throw new IllegalStateException(e);
            } catch (java.lang.reflect.UndeclaredThrowableException e) {
                throw new Failure(AttachCli.REFUSED, "process " + pid + " did not answer: " + e.getCause());
            }
        });
    }

    /** How long a command waits for the MBean of an agent that is live but has not registered it yet. */
    private static final long MBEAN_WAIT_MILLIS = 5_000;

    /** The agent registers its MBean a second after it starts: a command run just after an attach waits for it. */
    private static boolean awaitRegistered(MBeanServerConnection server, ObjectName name) throws IOException {
        long deadline = System.nanoTime() + MBEAN_WAIT_MILLIS * 1_000_000;
        while (!server.isRegistered(name)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The target's local JMX connector, started by the attach API when it is not running yet. */
    private static String localConnector(VirtualMachine vm) throws IOException {
        String address = vm.getAgentProperties().getProperty("com.sun.management.jmxremote.localConnectorAddress");
        return address != null ? address : vm.startLocalManagementAgent();
    }

    /** The live view's text: the counts per state, then the connections grouped by the code that opened them. */
    static void printText(long pid, int tracked, ConnectionInfo[] shown, int rowsPerSite, PrintWriter out) {
        out.println("process " + pid + ": " + tracked + (tracked == 1 ? " connection" : " connections") + " tracked"
                + (shown.length < tracked ? ", the " + shown.length + " longest in a lingering state shown" : ""));
        if (shown.length == 0) {
            return;
        }
        Map<String, int[]> perState = new LinkedHashMap<>();
        Map<String, Long> oldest = new LinkedHashMap<>();
        for (ConnectionInfo c : shown) {
            perState.computeIfAbsent(c.getState(), s -> new int[1])[0]++;
            oldest.merge(c.getState(), c.getInStateMillis(), Math::max);
        }
        out.printf("%-12s %6s  %s%n", "state", "count", "longest in it");
        perState.forEach((state, n) -> out.printf("%-12s %6d  %s%n", state, n[0], seconds(oldest.get(state))));

        Map<String, List<ConnectionInfo>> bySite = new LinkedHashMap<>();
        for (ConnectionInfo c : shown) { // already the longest lingering first: groups come in that order
            bySite.computeIfAbsent(c.getSite(), s -> new ArrayList<>()).add(c);
        }
        for (Map.Entry<String, List<ConnectionInfo>> site : bySite.entrySet()) {
            List<ConnectionInfo> cs = site.getValue();
            out.println();
            out.println(cs.size() + (cs.size() == 1 ? " connection, " : " connections, ") + site.getKey());
            out.printf("  %-8s %-12s %-8s %-10s %-8s %-24s %s%n", "id", "state", "source", "in state", "role", "local",
                    "peer");
            for (int i = 0; i < Math.min(rowsPerSite, cs.size()); i++) {
                ConnectionInfo c = cs.get(i);
                out.printf("  %-8d %-12s %-8s %-10s %-8s %-24s %s%n", c.getId(), c.getState(), c.getSource(),
                        (c.isInStateAtLeast() ? "≥" : "") + seconds(c.getInStateMillis()), c.getRole(), c.getLocal(),
                        c.getPeer());
            }
            if (cs.size() > rowsPerSite) {
                out.println("  … and " + (cs.size() - rowsPerSite) + " more");
            }
        }
    }

    /** The live view as one JSON object. */
    static void printJson(long pid, int tracked, ConnectionInfo[] shown, PrintWriter out) {
        StringBuilder b = new StringBuilder(256 + shown.length * 256);
        b.append("{\"pid\":").append(pid).append(",\"tracked\":").append(tracked).append(",\"connections\":[");
        for (int i = 0; i < shown.length; i++) {
            ConnectionInfo c = shown[i];
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(c.getId());
            string(b, "state", c.getState());
            string(b, "source", c.getSource());
            b.append(",\"inStateMillis\":").append(c.getInStateMillis());
            b.append(",\"inStateAtLeast\":").append(c.isInStateAtLeast());
            b.append(",\"ageMillis\":").append(c.getAgeMillis());
            string(b, "role", c.getRole());
            string(b, "socketKind", c.getKind());
            string(b, "local", c.getLocal());
            string(b, "peer", c.getPeer());
            string(b, "site", c.getSite());
            b.append('}');
        }
        out.println(b.append("]}"));
    }

    private static void string(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        b.append('"');
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}

package dev.tcpstate.agent.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of the load test's own, with loopback up, held by a {@code sleep} started under
 * {@code unshare -n} (root only, as {@code bench.sh}): wrk's tens of thousands of TIME_WAIT rows stay out
 * of the machine's table, where they would take its ephemeral ports and show in other tests' {@code ss}
 * (seen: a later test's listener given a port that wrk's TIME_WAIT rows still named as their peer), and
 * end with the namespace. Where no namespace can be made, the machine's is used, and the test says so.
 */
final class NetworkNamespace implements AutoCloseable {

    private final Process holder;

    private NetworkNamespace(Process holder) {
        this.holder = holder;
    }

    static NetworkNamespace ownOrShared() throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("unshare", "-n", "sh", "-c", "ip link set lo up && echo ready && exec sleep 3600")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            System.out.println("load test in the machine's network namespace: " + e.getMessage());
            return new NetworkNamespace(null);
        }
        String first = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"ready".equals(first)) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            System.out.println("load test in the machine's network namespace: unshare -n said " + first);
            return new NetworkNamespace(null);
        }
        return new NetworkNamespace(p);
    }

    /** The pid whose namespace a child enters, or 0 for the machine's. */
    long pid() {
        return holder == null ? 0 : holder.pid();
    }

    /** What runs a command in this namespace. */
    List<String> prefix() {
        return holder == null ? List.of() : List.of("nsenter", "-t", String.valueOf(holder.pid()), "-n");
    }

    @Override
    public void close() throws InterruptedException {
        if (holder != null) {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }
}

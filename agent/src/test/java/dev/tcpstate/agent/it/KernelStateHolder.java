package dev.tcpstate.agent.it;

import dev.tcpstate.agent.loopback.HeldStates;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * The child JVM of the kernel-view tests: makes the kernel hold every state {@link HeldStates} knows,
 * on loopback, plus an idle pooled connection whose server closed it (the client never reads), then
 * holds them all until the test says {@code exit}. Sockets are never closed: the recording, written at
 * exit, ends with the states the test compared with {@code ss}.
 *
 * <p>On stdout: {@code held <recipe> port <p> states <ss states,...>} per recipe,
 * {@code idle-pool port <p> client <local port> closed-at <epoch ms> interval-ms <sampling interval then, or -1>},
 * then {@code READY}. On stdin:
 * <ul>
 * <li>{@code sync}: waits until the agent's kernel sampler (loaded at start or attached later) has
 * taken three more samples, then prints {@code synced samples <n> interval-ms <ms> reader <name>};
 * <li>{@code exit}: exits at once (so does the end of stdin, and five minutes without {@code exit}).
 * </ul>
 * With the argument {@code watch}, each {@code tcpstate.LingeringConnection} and
 * {@code tcpstate.StateSummary} event is also printed as it is committed ({@code lingering <state>
 * <source> <local port> <remote port>}, {@code summary closeWait <n> ...}), read back through a
 * {@link RecordingStream}, so that the test waits for the periodic events rather than for a time.
 */
public final class KernelStateHolder {

    private static final long SYNC_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);
    /** Strong references: a socket collected by the GC would be closed by the JDK's cleaner. */
    private static final List<Object> KEEP = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        exitAnywayAfter(TimeUnit.MINUTES.toMillis(5));
        if (args.length > 0 && args[0].equals("watch")) {
            watchPeriodicEvents();
        }
        HeldStates held = new HeldStates(); // never closed: held until the process exits
        KEEP.add(held);
        for (HeldStates.Held h : held.all()) {
            System.out.println("held " + h.recipe() + " port " + h.port() + " states " + String.join(",", h.ssStates()));
        }
        idlePool();
        System.out.println("READY");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = stdin.readLine(); line != null && !line.equals("exit"); line = stdin.readLine()) {
            if (line.equals("sync")) {
                sync();
            }
        }
        System.exit(0);
    }

    /**
     * A pooled HTTP-like connection: one request and reply, then idle; the server closes it and the
     * client, idle in its pool, never reads again. Its kernel row goes to CLOSE_WAIT with no Java call.
     */
    private static void idlePool() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocket listener = new ServerSocket(0, 50, loopback);
        Socket client = new Socket();
        client.connect(new InetSocketAddress(loopback, listener.getLocalPort()), 5000);
        Socket server = listener.accept();
        client.getOutputStream().write("GET /\n".getBytes(StandardCharsets.US_ASCII));
        new DataInputStream(server.getInputStream()).readFully(new byte[6]);
        OutputStream reply = server.getOutputStream();
        reply.write("200\n".getBytes(StandardCharsets.US_ASCII));
        new DataInputStream(client.getInputStream()).readFully(new byte[4]);
        long closedAt = System.currentTimeMillis();
        server.close();
        Object sampler = currentSampler();
        long intervalMs = sampler == null ? -1 : (Long) call(sampler, "intervalNanos") / 1_000_000;
        System.out.println("idle-pool port " + listener.getLocalPort() + " client " + client.getLocalPort()
                + " closed-at " + closedAt + " interval-ms " + intervalMs);
        KEEP.add(listener);
        KEEP.add(client);
    }

    /**
     * The agent's classes live on the bootstrap class path once it is loaded (at start or by attach), and
     * this class cannot link to them before: they are reached by reflection.
     */
    private static void sync() throws Exception {
        long deadline = System.nanoTime() + SYNC_TIMEOUT_NANOS;
        Object sampler = currentSampler();
        while (sampler == null && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
            sampler = currentSampler();
        }
        if (sampler == null) {
            System.out.println("synced none: no kernel sampler runs in this JVM");
            return;
        }
        long start = (Long) call(sampler, "samples");
        long now = start;
        while (now < start + 3 && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            now = (Long) call(sampler, "samples");
        }
        System.out.println("synced samples " + (now - start) + " interval-ms " + (Long) call(sampler, "intervalNanos")
                / 1_000_000 + " reader " + call(sampler, "readerName"));
    }

    /** The agent's running KernelSampler, or null (no agent yet, or no kernel view). */
    private static Object currentSampler() throws ReflectiveOperationException {
        try {
            return Class.forName("dev.tcpstate.agent.kernel.KernelSampler", true, null).getMethod("current").invoke(null);
        } catch (ClassNotFoundException notYetLoaded) {
            return null;
        }
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        return target.getClass().getMethod(method).invoke(target);
    }

    private static void watchPeriodicEvents() {
        RecordingStream stream = new RecordingStream();
        stream.enable("tcpstate.LingeringConnection");
        stream.enable("tcpstate.StateSummary");
        stream.onEvent("tcpstate.LingeringConnection", e -> System.out.println("lingering " + e.getString("state")
                + " " + e.getString("source") + " " + e.getInt("localPort") + " " + e.getInt("remotePort")));
        stream.onEvent("tcpstate.StateSummary", e -> System.out.println("summary" + counts(e)));
        stream.startAsync();
    }

    static String counts(RecordedEvent e) {
        StringBuilder sb = new StringBuilder();
        for (String field : new String[] {"listen", "synSent", "synReceived", "established", "finWait1", "finWait2",
                "closeWait", "closing", "lastAck", "timeWait"}) {
            sb.append(' ').append(field).append(' ').append(e.getInt(field));
        }
        return sb.toString();
    }

    private static void exitAnywayAfter(long millis) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(millis);
                System.err.println("KernelStateHolder: no 'exit' from the test in " + millis + " ms; exiting");
                System.exit(3);
            } catch (InterruptedException e) {
                // not reached: nothing interrupts it
            }
        }, "exit-anyway");
        t.setDaemon(true);
        t.start();
    }
}

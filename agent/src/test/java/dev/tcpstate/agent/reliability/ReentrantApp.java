package dev.tcpstate.agent.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;

/**
 * Child JVM of {@link ReentrancyIT}: an application that uses sockets where the agent's own
 * machinery runs, inside a JFR periodic event hook (JFR's thread) and inside a shutdown hook, with
 * an echo server of its own. Mode {@code periodic}: the hook connects every 200 ms for
 * {@code seconds}; mode {@code shutdown}: one connection in a shutdown hook as the JVM exits;
 * mode {@code plain}: a few connections from main, then idle for {@code seconds}.
 */
public final class ReentrantApp {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final AtomicInteger hookConnections = new AtomicInteger();
    static final AtomicInteger hookFailures = new AtomicInteger();
    static volatile InetSocketAddress server;

    /** The application's own periodic event: its hook opens and closes a connection. */
    @Name("app.SocketProbe")
    @Label("Socket probe")
    @Period("200 ms")
    static final class SocketProbe extends Event {
        @Label("Reply")
        String reply;
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int seconds = Integer.parseInt(args[1]);
        startEchoServer();
        System.out.println("server-port " + server.getPort());
        switch (mode) {
            case "periodic": {
                Runnable hook = () -> {
                    SocketProbe e = new SocketProbe();
                    try {
                        e.reply = echo("probe");
                        hookConnections.incrementAndGet();
                    } catch (IOException | RuntimeException failure) {
                        hookFailures.incrementAndGet();
                        System.err.println("periodic hook failure: " + failure);
                    }
                    e.commit();
                };
                FlightRecorder.addPeriodicEvent(SocketProbe.class, hook);
                TimeUnit.SECONDS.sleep(seconds);
                FlightRecorder.removePeriodicEvent(hook);
                System.out.println("periodic hook connections " + hookConnections.get() + " failures "
                        + hookFailures.get());
                break;
            }
            case "shutdown":
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        System.out.println("shutdown hook: " + echo("bye"));
                    } catch (IOException | RuntimeException failure) {
                        System.out.println("shutdown hook failed: " + failure);
                    }
                }, "app-shutdown-hook"));
                System.out.println("main: " + echo("hello"));
                break;
            case "plain":
                for (int i = 0; i < 3; i++) {
                    System.out.println("main: " + echo("hello " + i));
                }
                TimeUnit.SECONDS.sleep(seconds);
                break;
            default:
                throw new IllegalArgumentException(mode);
        }
    }

    static void startEchoServer() throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, LOOPBACK);
        server = new InetSocketAddress(LOOPBACK, ss.getLocalPort());
        Thread t = new Thread(() -> {
            while (true) {
                try (Socket s = ss.accept()) {
                    byte[] request = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(request);
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo-server");
        t.setDaemon(true);
        t.start();
    }

    /** Sends {@code text}, half-closes, reads the echo to the end, closes. */
    static String echo(String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}

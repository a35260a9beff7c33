package dev.tcpstate.bench.jmh;

import dev.tcpstate.agent.bridge.SocketBridge;
import dev.tcpstate.agent.registry.Connection;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.contract.TcpState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the woven advice costs per connection, without the network: the bridge's connectStart,
 * connectEnd and close on one unconnected {@code Socket}, tracked anew each cycle (its getters answer
 * from its fields: not bound, not connected; SO_LINGER is not asked, the setters counting as woven),
 * and the kernel reconciler's CLOSED that retires the connection. 4 state changes per cycle.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class BridgeBench {

    @Param({"NONE", "JFR_NO_RECORDING", "JFR_EVENTS_DISABLED", "JFR_DEFAULT", "JFR_NO_STACK"})
    public Sinks sink;

    private ConnectionRegistry registry;
    private Recording recording;
    private InetSocketAddress remote;
    /** Never connected, so it holds no file descriptor; the bridge forgets it at each close. */
    private final Socket socket = new Socket();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        registry = new ConnectionRegistry(sink.sink(), 100_000);
        registry.setKernelViewActive(true);
        SocketBridge.install(registry);
        SocketBridge.lingerSettersWoven(System.nanoTime());
        recording = sink.startRecording();
        remote = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 8080);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        SocketBridge.uninstall();
        SocketBridge.lingerSettersUnwoven();
        if (recording != null) {
            recording.close();
        }
        if (SocketBridge.droppedCount() != 0) {
            throw new IllegalStateException("the bridge dropped " + SocketBridge.droppedCount() + " observations");
        }
    }

    @Benchmark
    public Connection connectAndClose() {
        SocketBridge.connectStart(socket, remote, "Socket.connect");
        SocketBridge.connectEnd(socket, true, null, "Socket.connect");
        Connection c = registry.lookup(socket);
        SocketBridge.close(socket, "Socket.close");
        registry.observeKernelState(c, TcpState.CLOSED, -1, null);
        return c;
    }

    /** A bridge call for a socket the agent does not track (the agent's own, or one opened before attach). */
    @Benchmark
    public void closeUntracked() {
        SocketBridge.close(remote, "Socket.close");
    }
}

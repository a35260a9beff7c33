package dev.tcpstate.bench.jmh;

import dev.tcpstate.agent.registry.Connection;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * The registry with the kernel view on (the agent's default): a lookup, and a client's whole life as
 * the bridge and the kernel reconciler drive it — track, endpoints, CONNECT, CONNECT_ESTABLISHED,
 * CLOSE, untrack, then the kernel's CLOSED — which is 4 state changes, so 4 events when they are on.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RegistryBench {

    @Param({"NONE", "JFR_NO_RECORDING", "JFR_EVENTS_DISABLED", "JFR_DEFAULT", "JFR_NO_STACK"})
    public Sinks sink;

    private ConnectionRegistry registry;
    private Recording recording;
    private Object tracked;
    private Endpoint local;
    private Endpoint remote;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        registry = new ConnectionRegistry(sink.sink(), 100_000);
        registry.setKernelViewActive(true);
        recording = sink.startRecording();
        tracked = new Object();
        Connection c = registry.track(tracked, SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        registry.apply(c, Stimulus.CONNECT, "Socket.connect");
        registry.apply(c, Stimulus.CONNECT_ESTABLISHED, "Socket.connect");
        InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        local = Endpoint.of(new InetSocketAddress(lo, 40_000));
        remote = Endpoint.of(new InetSocketAddress(lo, 8080));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (recording != null) {
            recording.close();
        }
    }

    @Benchmark
    public Connection lookup() {
        return registry.lookup(tracked);
    }

    @Benchmark
    public TcpState clientLifecycle() {
        Object socket = new Object();
        Connection c = registry.track(socket, SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        registry.setEndpoints(c, local, remote);
        registry.apply(c, Stimulus.CONNECT, "Socket.connect");
        registry.apply(c, Stimulus.CONNECT_ESTABLISHED, "Socket.connect");
        TcpState closing = registry.apply(c, Stimulus.CLOSE, "Socket.close");
        registry.untrack(socket);
        registry.observeKernelState(c, TcpState.CLOSED, -1, null); // what the reconciler does when the row goes
        return closing;
    }
}

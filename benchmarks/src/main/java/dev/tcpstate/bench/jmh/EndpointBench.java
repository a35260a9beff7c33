package dev.tcpstate.bench.jmh;

import dev.tcpstate.agent.registry.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** An address turned into an endpoint (text and the kernel's 128-bit form): done at connect and accept. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class EndpointBench {

    private InetSocketAddress v4;
    private InetSocketAddress v6;
    private InetAddress v4Ip;

    @Setup
    public void setUp() throws UnknownHostException {
        v4Ip = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        v4 = new InetSocketAddress(v4Ip, 8080);
        v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1:0:0:1"), 443);
    }

    @Benchmark
    public Endpoint ofSocketAddressV4() {
        return Endpoint.of(v4);
    }

    @Benchmark
    public Endpoint ofInetAddressV4() {
        return Endpoint.of(v4Ip, 8080);
    }

    @Benchmark
    public Endpoint ofSocketAddressV6() {
        return Endpoint.of(v6);
    }
}

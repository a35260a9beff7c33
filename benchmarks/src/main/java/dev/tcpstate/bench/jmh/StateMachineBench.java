package dev.tcpstate.bench.jmh;

import dev.tcpstate.agent.state.StateMachine;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The pure state machine: one table lookup per call, over the stimuli of a client's whole life. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StateMachineBench {

    private static final TcpState[] FROM = {TcpState.CLOSED, TcpState.SYN_SENT, TcpState.ESTABLISHED,
            TcpState.ESTABLISHED, TcpState.CLOSE_WAIT, TcpState.FIN_WAIT_1, TcpState.TIME_WAIT, TcpState.LISTEN};
    private static final Stimulus[] BY = {Stimulus.CONNECT, Stimulus.CONNECT_ESTABLISHED, Stimulus.READ_EOF,
            Stimulus.CLOSE, Stimulus.CLOSE, Stimulus.ASSUMED_PEER_CLOSED, Stimulus.ASSUMED_2MSL_ELAPSED,
            Stimulus.CONNECT};

    private int i;

    @Benchmark
    public TcpState next() {
        int k = i++ & 7;
        return StateMachine.next(FROM[k], BY[k]);
    }

    @Benchmark
    public StateMachine.Effect effect() {
        int k = i++ & 7;
        return StateMachine.effect(FROM[k], BY[k]);
    }
}

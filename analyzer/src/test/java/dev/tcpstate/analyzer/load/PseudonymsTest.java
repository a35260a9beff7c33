package dev.tcpstate.analyzer.load;

import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PseudonymsTest {

    private static StateChange change(long id, String local, int localPort, String remote, int remotePort) {
        return new StateChange("jvm", 1000 + id, id, TcpState.SYN_SENT, TcpState.ESTABLISHED, Source.API,
                "Socket.connect", Stimulus.CONNECT_ESTABLISHED, null, new Endpoint(local, localPort),
                new Endpoint(remote, remotePort), "Socket", Role.CLIENT, 0, -1, "worker 10.0.0.7", CallStack.NONE);
    }

    private static List<String> redacted(StateChange... changes) {
        TcpEvents events = new TcpEvents(List.of(changes), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());
        List<String> shown = new ArrayList<>();
        for (StateChange c : Pseudonyms.redact(events).stateChanges()) {
            shown.add(c.local() + " -> " + c.remote());
        }
        return shown;
    }

    @Test
    void eachAddressGetsOnePseudonymOfItsKindAndPortsStay() {
        assertEquals(List.of(
                        "ipv4-1:50000 -> ipv4-2:443",
                        "ipv4-1:50001 -> ipv4-3:443",
                        "ipv4-1:50002 -> ipv4-2:5432",
                        "loopback-1:40000 -> loopback-1:8080",
                        "ipv6-1:40001 -> host-1:80",
                        "any-1:8080 -> -",
                        "loopback-2:40002 -> loopback-3:8080"),
                redacted(
                        change(1, "10.0.0.5", 50000, "192.168.1.20", 443),
                        change(2, "10.0.0.5", 50001, "192.168.1.21", 443),
                        change(3, "/10.0.0.5", 50002, "::ffff:192.168.1.20", 5432),
                        change(4, "127.0.0.1", 40000, "127.0.0.1", 8080),
                        change(5, "fe80::1%eth0", 40001, "db.example.com", 80),
                        change(6, "0.0.0.0", 8080, "", 0),
                        change(7, "::1", 40002, "0:0:0:0:0:0:0:1", 8080)));
    }

    private static StateChange onThread(long id, String thread) {
        StateChange c = change(id, "10.0.0.5", 1, "10.0.0.6", 2);
        return new StateChange(c.jvm(), c.time(), c.connectionId(), c.from(), c.to(), c.source(), c.trigger(),
                c.stimulus(), c.abortCause(), c.local(), c.remote(), c.socketKind(), c.role(), c.previousStateNanos(),
                c.kernelTimerMillis(), thread, c.stack());
    }

    @Test
    void threadNamesGetOnePseudonymEachAndTheJdksAndLibrariesShapesStay() {
        List<String> names = List.of("worker 10.0.0.7", "customer-4711", "worker 10.0.0.7", "main", "pool-1-thread-3",
                "OkHttp TaskRunner", "nioEventLoopGroup-2-1", "RMI TCP Connection(2)-127.0.0.1", "", "mainly-customer-1");
        List<StateChange> changes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            changes.add(onThread(i, names.get(i)));
        }
        TcpEvents events = new TcpEvents(changes, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        List<String> shown = new ArrayList<>();
        for (StateChange c : Pseudonyms.redact(events).stateChanges()) {
            shown.add(c.thread());
        }
        assertEquals(List.of("thread-name-1", "thread-name-2", "thread-name-1", "main", "pool-1-thread-3",
                "OkHttp TaskRunner", "nioEventLoopGroup-2-1", "thread-name-3", "", "thread-name-4"), shown);
    }

    @Test
    void stacksAreKeptAsRecorded() {
        CallStack stack = new CallStack(List.of(new Frame("com.example.Client", "fetch", 12)), false);
        StateChange c = change(1, "10.0.0.5", 1, "10.0.0.6", 2);
        StateChange withStack = new StateChange(c.jvm(), c.time(), c.connectionId(), c.from(), c.to(), c.source(),
                c.trigger(), c.stimulus(), c.abortCause(), c.local(), c.remote(), c.socketKind(), c.role(),
                c.previousStateNanos(), c.kernelTimerMillis(), c.thread(), stack);
        TcpEvents events = new TcpEvents(List.of(withStack), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());
        assertEquals(stack, Pseudonyms.redact(events).stateChanges().get(0).stack());
    }
}

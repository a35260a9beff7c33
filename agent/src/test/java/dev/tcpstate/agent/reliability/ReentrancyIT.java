package dev.tcpstate.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.reliability.Timeline.Change;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent runs inside JFR and the JVM's shutdown: an application that uses sockets from there still
 * works, and the agent's own activity (reading the kernel's table, writing the recording) is never
 * recorded as a connection.
 */
class ReentrancyIT {

    @TempDir
    Path dir;

    @Test
    void socketsUsedInsideAJfrPeriodicHookWorkAndAreRecorded() throws Exception {
        Path jfr = dir.resolve("periodic.jfr");
        Exited run = ChildJvm.java().agent("record=" + jfr).main(ReentrantApp.class, "periodic", "3")
                .run(Duration.ofSeconds(60));
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("failures 0"), run.stdout() + run.stderr());
        int made = ConcurrentConnectionsIT.number(run.stdout(), "periodic hook connections (\\d+)");
        int port = ConcurrentConnectionsIT.number(run.stdout(), "server-port (\\d+)");
        assertTrue(made > 0, "the periodic hook ran: " + run.stdout());

        Timeline t = Timeline.read(jfr);
        List<List<Change>> clients = t.withPort("CLIENT", port);
        Set<String> threads = clients.stream().map(c -> c.get(0).thread()).collect(Collectors.toSet());
        long probes = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals("app.SocketProbe")).count();
        System.out.printf("periodic hook JDK %d: %d connections made in the hook, %d recorded, on threads %s;"
                + " %d app.SocketProbe events%n", ChildJvm.featureVersion(), made, clients.size(), threads, probes);
        assertTrue(clients.size() >= made, "every connection of the hook recorded: " + clients.size() + " < " + made);
        assertFalse(threads.contains("main"), "connections were made on JFR's thread, not main: " + threads);
        assertTrue(probes > 0, "the application's own periodic event was committed");
        assertEquals(List.of(), Timeline.problems(clients));
        assertEquals(List.of(), t.anomalies);
    }

    @Test
    void aSocketUsedInAShutdownHookWorks() throws Exception {
        Path jfr = dir.resolve("shutdown.jfr");
        Exited run = ChildJvm.java().agent("record=" + jfr).main(ReentrantApp.class, "shutdown", "0")
                .run(Duration.ofSeconds(60));
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("main: hello"), run.stdout());
        assertTrue(run.stdout().contains("shutdown hook: bye"), run.stdout() + run.stderr());
        int port = ConcurrentConnectionsIT.number(run.stdout(), "server-port (\\d+)");
        Timeline t = Timeline.read(jfr);
        long inHook = t.withPort("CLIENT", port).stream()
                .filter(c -> c.get(0).thread().equals("app-shutdown-hook")).count();
        System.out.printf("shutdown hook JDK %d: the hook's connection worked; recorded: %s%n",
                ChildJvm.featureVersion(), inHook > 0 ? "yes" : "no (the recording was written before the hook ran)");
    }

    @Test
    void theAgentsOwnActivityIsNeverRecorded() throws Exception {
        Path jfr = dir.resolve("own.jfr");
        Exited run = ChildJvm.java().agent("record=" + jfr + ",kernelInterval=200ms").main(ReentrantApp.class, "plain", "4")
                .run(Duration.ofSeconds(60));
        assertEquals(0, run.exitCode(), run.stderr());
        int port = ConcurrentConnectionsIT.number(run.stdout(), "server-port (\\d+)");

        Timeline t = Timeline.read(jfr, true);
        List<String> notTheApplications = t.connections.values().stream()
                .filter(c -> c.get(0).localPort() != port && c.get(0).remotePort() != port)
                .map(Timeline::describe).collect(Collectors.toList());
        List<String> apiOnAgentThreads = t.connections.values().stream().flatMap(List::stream)
                .filter(c -> c.source().equals("API") && c.thread().startsWith("tcpstate-"))
                .map(Change::toString).collect(Collectors.toList());
        // only the events of the application's own calls carry a stack (tcpstate.StateChange); the others are checked by thread
        List<String> apiWithoutApplicationFrame = t.connections.values().stream().flatMap(List::stream)
                .filter(c -> c.source().equals("API") && c.hasStack() && c.frames().stream()
                        .noneMatch(f -> f.startsWith(ReentrantApp.class.getName())))
                .map(c -> c + " " + c.frames()).collect(Collectors.toList());
        System.out.printf("own activity JDK %d: %d connections recorded in %d events, all the application's: %s%n",
                ChildJvm.featureVersion(), t.connections.size(), t.events, notTheApplications.isEmpty());
        assertEquals(7, t.connections.size(), () -> "listener, 3 clients, 3 accepted: " + t.connections.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue().get(0).localPort() + "->" + e.getValue().get(0).remotePort()
                        + " " + Timeline.describe(e.getValue()))
                .collect(Collectors.joining("\n  ", "\n  ", "")));
        assertEquals(List.of(), notTheApplications, "connections that are not the application's");
        assertEquals(List.of(), apiOnAgentThreads, "API events on the agent's threads");
        assertEquals(List.of(), apiWithoutApplicationFrame, "API events not caused by application code");
        assertTrue(t.connections.values().stream().flatMap(List::stream).filter(Change::hasStack).count() >= 10,
                "the listener's bind, 3 connects, 3 accepts and their closes carry a stack");
    }
}

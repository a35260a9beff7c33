package dev.tcpstate.analyzer.findings;

import static dev.tcpstate.contract.Source.KERNEL;
import static dev.tcpstate.contract.TcpState.CLOSE_WAIT;
import static dev.tcpstate.contract.TcpState.ESTABLISHED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tcpstate.analyzer.fixture.Changes;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.Library;

class CodeSiteTest {
    private static final String[] OKHTTP_TASK_RUNNER = {
            "okhttp3.internal.platform.Platform.connectSocket:173",
            "okhttp3.internal.connection.ConnectPlan.connectSocket:280",
            "okhttp3.internal.concurrent.TaskRunner$runnable$1.run:81",
            "java.util.concurrent.ThreadPoolExecutor.runWorker:1136",
            "java.lang.Thread.run:840"};

    @Test
    void theApplicationFrameComesFirstWithTheLibraryFrameItEnteredThrough() {
        CodeSite site = CodeSite.of(Changes.stack("okhttp3.internal.platform.Platform.connectSocket:173",
                "okhttp3.internal.connection.RealCall.execute:154", "com.example.Shop.checkout:42",
                "com.example.Main.main:7"), "main");
        assertTrue(site.applicationFrame());
        assertEquals("com.example.Shop.checkout:42", site.frame().toString());
        assertEquals(Library.OKHTTP, site.library());
        assertEquals("com.example.Shop.checkout:42 via OkHttp RealCall.execute", site.label());
        assertEquals(List.of("com.example.Main.main:7"), site.below().stream().map(Object::toString).toList());
    }

    @Test
    void theJdksOwnSocketApiIsNoLibraryToEnterThrough() {
        CodeSite site = CodeSite.of(Changes.stack("com.example.Raw.send:10"), "main");
        assertEquals("com.example.Raw.send:10", site.label());
    }

    @Test
    void shadedNettyIsNettyAndWithoutAnApplicationFrameTheSiteSaysWhichLibraryDidItOnWhichThread() {
        CodeSite site = CodeSite.of(Changes.stack(
                "io.grpc.netty.shaded.io.netty.channel.epoll.AbstractEpollChannel.doConnect:600",
                "io.grpc.netty.shaded.io.netty.channel.epoll.AbstractEpollStreamChannel.connect:1000",
                "io.grpc.netty.shaded.io.netty.util.concurrent.SingleThreadEventExecutor$4.run:1000",
                "java.lang.Thread.run:840"), "grpc-default-worker-ELG-1-2");
        assertFalse(site.applicationFrame());
        assertEquals(Library.NETTY, site.library());
        assertTrue(site.label().startsWith("Netty internals (io.grpc.netty.shaded.io.netty.util.concurrent."), site.label());
        assertTrue(site.describe().contains("thread \"grpc-default-worker-ELG-1-2\""), site.describe());
        assertTrue(site.describe().contains("no application frame"), site.describe());
    }

    @Test
    void aConnectionALibraryOpenedOnItsOwnThreadIsJoinedToTheApplicationsCallForThatPeer() {
        Changes c = new Changes()
                .libraryCall(0.5, Library.OKHTTP, "RealCall.execute", "localhost", 8080, "main",
                        "okhttp3.internal.connection.RealCall.execute:154", "com.example.Shop.checkout:42")
                .libraryCall(0.6, Library.OKHTTP, "RealCall.execute", "localhost", 9090, "main",
                        "okhttp3.internal.connection.RealCall.execute:154", "com.example.Other.elsewhere:9");
        c.client(1, 40001, "127.0.0.1", 8080).site(OKHTTP_TASK_RUNNER).connect(1)
                .go(2, ESTABLISHED, CLOSE_WAIT, KERNEL, "RCV_FIN");
        c.endAt(20);
        List<Finding> findings = Findings.evaluate(Timeline.of(c.events()), Thresholds.defaults());
        assertEquals(1, findings.size(), findings.toString());
        CodeSite site = findings.get(0).site();
        assertEquals("com.example.Shop.checkout:42 via OkHttp RealCall.execute", site.label(), "not port 9090's call");
        assertEquals("main", site.thread());
        assertTrue(site.describe().contains("OkHttp did it on its thread"), site.describe());
        assertTrue(findings.get(0).summary().contains("opened at com.example.Shop.checkout:42 via OkHttp"),
                findings.get(0).summary());
    }

    @Test
    void aCallMadeAfterTheConnectionOpenedOrToAnotherAddressIsNotItsCause() {
        Changes c = new Changes()
                .libraryCall(0.5, Library.OKHTTP, "RealCall.execute", "10.1.1.1", 8080, "main",
                        "okhttp3.internal.connection.RealCall.execute:154", "com.example.Shop.checkout:42")
                .libraryCall(1.5, Library.OKHTTP, "RealCall.execute", "localhost", 8080, "main",
                        "okhttp3.internal.connection.RealCall.execute:154", "com.example.Late.call:1");
        c.client(1, 40001, "127.0.0.1", 8080).site(OKHTTP_TASK_RUNNER).connect(1)
                .go(2, ESTABLISHED, CLOSE_WAIT, KERNEL, "RCV_FIN");
        c.endAt(20);
        CodeSite site = Findings.evaluate(Timeline.of(c.events()), Thresholds.defaults()).get(0).site();
        assertFalse(site.applicationFrame(), site.describe());
        assertTrue(site.label().startsWith("OkHttp internals ("), site.label());
    }

    @Test
    void declaredPrefixesDecideWhatIsALibraryAndWhatIsTheApplication() {
        Thresholds t = Thresholds.defaults().with(Attribution.LIBRARY_PREFIXES, "com.acme.http.")
                .with(Attribution.APPLICATION_PREFIXES, "io.grpc.examples.");
        Attribution a = Attribution.of(t);
        CodeSite site = CodeSite.of(Changes.stack("com.acme.http.Pool.lease:3", "com.example.Shop.checkout:42"), "main", a);
        assertEquals("com.example.Shop.checkout:42 via a client library Pool.lease", site.label());
        CodeSite grpcExample = CodeSite.of(Changes.stack("io.grpc.examples.Hello.main:5"), "main", a);
        assertTrue(grpcExample.applicationFrame());
        assertEquals("io.grpc.examples.Hello.main:5", grpcExample.label());
    }

    @Test
    void prefixesAreCheckedAndDurationsStayThresholds() {
        Preference<String> p = Attribution.LIBRARY_PREFIXES;
        assertEquals("com.acme.http.,org.example", p.parse(" com.acme.http. , org.example "));
        assertThrows(IllegalArgumentException.class, () -> p.parse("com/acme"));
        assertEquals(Duration.ofSeconds(5), Thresholds.defaults().get(CloseWaitLinger.THRESHOLD));
    }

}

package dev.tcpstate.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    @Test
    void everyWordTheAgentWritesReadsBackAsTheSameConstant() {
        for (TcpState s : TcpState.values()) {
            assertEquals(s, TcpState.parse(s.name()));
        }
        for (Stimulus s : Stimulus.values()) {
            assertEquals(s, Stimulus.parse(s.name()));
        }
        for (Role r : Role.values()) {
            assertEquals(r, Role.parse(r.name()));
        }
        for (AbortCause c : AbortCause.values()) {
            assertEquals(c, AbortCause.parse(c.name()));
        }
        for (Source s : Source.values()) {
            assertEquals(s, Source.parse(s.name()));
        }
        for (SocketKind k : SocketKind.values()) {
            assertEquals(k, SocketKind.parse(k.recorded()));
        }
        for (AgeBasis b : AgeBasis.values()) {
            assertEquals(b, AgeBasis.parse(b.name()));
        }
    }

    @Test
    void aMissingFieldOrANewerAgentsWordIsUnknownNotAnError() {
        assertNull(Stimulus.parse("SOMETHING_NEW"));
        assertNull(AbortCause.parse(""), "every event but an abort holds an empty abortCause");
        assertNull(Role.parse(null));
        assertNull(TcpState.parse("CLOSE"), "Linux's name, not the RFC's");
        assertNull(SocketKind.parse("NettyKqueue"));
        assertEquals(Source.UNKNOWN, Source.parse(null));
        assertNull(AgeBasis.parse(""), "every event but a discovery holds an empty stateAgeBasis");
    }

    @Test
    void socketKindsAreRecordedUnderDistinctWords() {
        Set<String> words = new HashSet<>();
        Arrays.stream(SocketKind.values()).forEach(k -> assertTrue(words.add(k.recorded()), k.recorded()));
    }

    @Test
    void durationsTakeOneGrammarWithUnitsAndFractions() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse(" 2m "));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofNanos(250), Durations.parse("250ns"));
        for (String bad : new String[] {"5", "s", "-5s", "five seconds", "5 sec", "", "99999999999h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void durationsWrittenForPeopleAndForFlagsReadBack() {
        assertEquals("850 ms", Durations.format(Duration.ofMillis(850)));
        assertEquals("4 min 05 s", Durations.format(Duration.ofSeconds(245)));
        for (Duration d : new Duration[] {Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofHours(2)}) {
            assertEquals(d, Durations.parse(Durations.toText(d)));
        }
    }

    @Test
    void everyFrameBelongsToTheLibraryOfItsLongestPrefixAndShadedCopiesToTheOriginal() {
        assertEquals(Library.OKHTTP, Library.of("okhttp3.internal.connection.RealCall"));
        assertEquals(Library.JDK_HTTP_CLIENT, Library.of("jdk.internal.net.http.PlainHttpConnection"), "not plain JDK");
        assertEquals(Library.JDK, Library.of("java.net.Socket"));
        assertEquals(Library.NETTY, Library.of("io.grpc.netty.shaded.io.netty.channel.epoll.LinuxSocket"));
        assertEquals(Library.GRPC, Library.of("io.grpc.stub.ClientCalls"));
        assertEquals(Library.REACTOR_NETTY, Library.of("reactor.netty.http.client.HttpClient"));
        assertEquals(Library.APACHE_HTTPCLIENT_5, Library.of("org.apache.hc.client5.http.impl.classic.CloseableHttpClient"));
        assertEquals(Library.TCPSTATE, Library.of("dev.tcpstate.agent.bridge.SocketBridge"));
        assertNull(Library.of("com.example.shop.Checkout"));
        assertNull(Library.of("dev.tcpstate.demo.client.ConnectionPool"), "the demo is an application");
        assertNull(Library.of("com.example.javafx.Ui"), "java. only as a package's start");
    }
}

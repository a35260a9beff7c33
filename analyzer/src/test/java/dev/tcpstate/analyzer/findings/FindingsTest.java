package dev.tcpstate.analyzer.findings;

import static dev.tcpstate.contract.Source.API;
import static dev.tcpstate.contract.Source.EXPECTED;
import static dev.tcpstate.contract.Source.KERNEL;
import static dev.tcpstate.contract.TcpState.CLOSED;
import static dev.tcpstate.contract.TcpState.CLOSE_WAIT;
import static dev.tcpstate.contract.TcpState.ESTABLISHED;
import static dev.tcpstate.contract.TcpState.FIN_WAIT_1;
import static dev.tcpstate.contract.TcpState.FIN_WAIT_2;
import static dev.tcpstate.contract.TcpState.LAST_ACK;
import static dev.tcpstate.contract.TcpState.SYN_RECEIVED;
import static dev.tcpstate.contract.TcpState.TIME_WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.tcpstate.analyzer.fixture.Changes;
import dev.tcpstate.analyzer.fixture.Scenarios;
import dev.tcpstate.analyzer.report.Report;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Durations;

class FindingsTest {

    private static List<Finding> of(Changes c, FindingType type) {
        return of(c, type, Thresholds.defaults());
    }

    private static List<Finding> of(Changes c, FindingType type, Thresholds t) {
        return Findings.evaluate(Timeline.of(c.events()), t).stream().filter(f -> f.type() == type).toList();
    }

    @Test
    void closeWaitLongerThanTheThresholdIsGroupedByOpeningSiteAndPeer() {
        Changes c = new Changes().endAt(100);
        for (int i = 0; i < 3; i++) {
            c.client(i, 50000 + i, "10.0.0.9", 443).site("com.example.Pool.borrow:42", "com.example.Main.main:7")
                    .connect(i).go(10, ESTABLISHED, CLOSE_WAIT, KERNEL, "RCV_FIN");
        }
        c.client(10, 50010, "10.0.0.9", 443).site("com.example.Other.call:9").connect(0)
                .go(20, ESTABLISHED, CLOSE_WAIT, API, "READ_EOF").go(30, CLOSE_WAIT, LAST_ACK, API, "CLOSE");
        c.client(11, 50011, "10.0.0.8", 443).site("com.example.Pool.borrow:42").connect(0)
                .go(96, ESTABLISHED, CLOSE_WAIT, KERNEL, "RCV_FIN"); // 4 s: below the 5 s default

        List<Finding> findings = of(c, CloseWaitLinger.TYPE);
        assertEquals(2, findings.size());
        Finding pool = findings.get(0);
        assertEquals(3, pool.count());
        assertEquals("10.0.0.9:443", pool.peer());
        assertEquals("com.example.Pool.borrow:42", pool.site().frame().toString());
        assertEquals("com.example.Main.main:7", pool.site().below().get(0).toString());
        assertEquals(90_000_000_000L, (long) pool.measure(CloseWaitLinger.LONGEST).orElseThrow().value());
        assertEquals(3, (long) pool.measure(CloseWaitLinger.STILL_OPEN).orElseThrow().value());
        assertEquals(3, (long) pool.measure(CloseWaitLinger.KERNEL_CONFIRMED).orElseThrow().value());
        assertTrue(pool.connections().stream().allMatch(AffectedConnection::kernelConfirmed));
        assertEquals(Severity.WARNING, pool.severity());

        Finding closedLate = findings.get(1);
        assertEquals(1, closedLate.count());
        assertFalse(closedLate.connections().get(0).stillOpen());
        assertFalse(closedLate.connections().get(0).kernelConfirmed());
        assertEquals(10_000_000_000L, closedLate.connections().get(0).nanos());
    }

    @Test
    void theCloseWaitThresholdIsInclusiveAndSettable() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 443).connect(0).go(96, ESTABLISHED, CLOSE_WAIT, KERNEL, "RCV_FIN");
        assertTrue(of(c, CloseWaitLinger.TYPE).isEmpty());
        Thresholds four = Thresholds.defaults().with(CloseWaitLinger.THRESHOLD, Duration.ofSeconds(4));
        assertEquals(1, of(c, CloseWaitLinger.TYPE, four).size());
        Thresholds five = Thresholds.defaults().with(CloseWaitLinger.THRESHOLD, Duration.ofMillis(4001));
        assertTrue(of(c, CloseWaitLinger.TYPE, five).isEmpty());
    }

    @Test
    void connectionsFoundInCloseWaitWithTheKernelsAgeAreAFindingAtOnce() {
        Changes c = new Changes().endAt(100.5);
        for (int i = 0; i < 5; i++) {
            c.client(i, 50000 + i, "10.0.0.9", 443).discovered(100, CLOSE_WAIT, 10_000 + i, AgeBasis.KERNEL_LAST_ACK_RECEIVED);
        }
        List<Finding> findings = of(c, CloseWaitLinger.TYPE);
        assertEquals(1, findings.size(), "0.5 s after the attach, 10 s in CLOSE_WAIT by the kernel's count");
        Finding f = findings.get(0);
        assertEquals(5, f.count());
        assertEquals(10_504_000_000L, (long) f.measure(CloseWaitLinger.LONGEST).orElseThrow().value());
        assertTrue(f.summary().startsWith("5 connections to 10.0.0.9:443 held in CLOSE_WAIT for up to 10.5 s (all in "
                + "CLOSE_WAIT before the recording began, by the kernel's count; all still open at the end; confirmed by "
                + "the kernel)"), f.summary());
        AffectedConnection first = f.connections().stream().filter(a -> a.connectionId() == 0).findFirst().orElseThrow();
        assertEquals(Changes.at(90), first.start(), "it entered CLOSE_WAIT 10 s before it was found");
        assertEquals(AgeBasis.KERNEL_LAST_ACK_RECEIVED, first.begunBefore());
        assertFalse(first.atLeast(), "the kernel's count: reported as the age");
        assertTrue(f.site().beforeRecording());
        assertTrue(f.summary().endsWith("opened at an unknown site (opened before the recording began: found in the "
                + "kernel's table, no stack exists)"), f.summary());
    }

    @Test
    void aConnectionFoundInCloseWaitWithoutAnAgeCountsFromItsDiscoveryAsALowerBound() {
        Changes early = new Changes().endAt(14);
        early.client(1, 50001, "10.0.0.9", 443).discovered(10, CLOSE_WAIT, 0, AgeBasis.FIRST_SAMPLE);
        assertTrue(of(early, CloseWaitLinger.TYPE).isEmpty(), "4 s known, below the 5 s threshold");

        Changes later = new Changes().endAt(16.5);
        later.client(1, 50001, "10.0.0.9", 443).discovered(10, CLOSE_WAIT, 0, AgeBasis.FIRST_SAMPLE);
        later.client(2, 50002, "10.0.0.9", 443).discovered(10, CLOSE_WAIT, -1, null); // an older agent's recording
        Finding f = of(later, CloseWaitLinger.TYPE).get(0);
        assertTrue(f.summary().startsWith("2 connections to 10.0.0.9:443 held in CLOSE_WAIT for at least 6.50 s, the "
                + "longest (all in CLOSE_WAIT before the recording began; all still open"), f.summary());
        assertTrue(f.connections().stream().allMatch(AffectedConnection::atLeast), f.connections().toString());
        assertEquals(Changes.at(10), f.connections().get(0).start());

        Changes one = new Changes().endAt(16.5);
        one.client(1, 50001, "10.0.0.9", 443).discovered(10, CLOSE_WAIT, 0, AgeBasis.FIRST_SAMPLE);
        assertTrue(of(one, CloseWaitLinger.TYPE).get(0).summary().startsWith(
                "1 connection to 10.0.0.9:443 held in CLOSE_WAIT for at least 6.50 s (in CLOSE_WAIT before the "
                        + "recording began; all still open"), of(one, CloseWaitLinger.TYPE).get(0).summary());
    }

    @Test
    void aConnectionSeenEnteringCloseWaitAfterADiscoveredOneIsNoLowerBound() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 443).discovered(10, ESTABLISHED, 0, AgeBasis.FIRST_SAMPLE)
                .go(20, ESTABLISHED, CLOSE_WAIT, KERNEL, "RCV_FIN");
        Finding f = of(c, CloseWaitLinger.TYPE).get(0);
        assertEquals(null, f.connections().get(0).begunBefore());
        assertTrue(f.summary().contains("held in CLOSE_WAIT for 1 min 20 s (all still open"), f.summary());
    }

    @Test
    void aConnectionFoundInFinWait2WithTheKernelsAgeIsAFindingAtOnce() {
        Changes c = new Changes().endAt(101);
        c.client(1, 50001, "10.0.0.9", 443).discovered(100, FIN_WAIT_2, 30_000, AgeBasis.KERNEL_LAST_ACK_RECEIVED);
        Finding f = of(c, FinWait2Linger.TYPE).get(0);
        assertEquals(31_000_000_000L, f.connections().get(0).nanos());
        assertTrue(f.summary().contains("for 31.0 s (in FIN_WAIT_2 before the recording began, by the kernel's count;"),
                f.summary());
    }

    @Test
    void anUnknownOpeningSiteIsSaidSo() {
        Changes c = new Changes().endAt(100);
        c.client(7, 50007, "10.0.0.9", 443).restated(95, CLOSE_WAIT, KERNEL, 80);
        Finding f = of(c, CloseWaitLinger.TYPE).get(0);
        assertFalse(f.site().isKnown());
        assertFalse(f.site().beforeRecording(), "its opening event is missing, not impossible");
        assertTrue(f.summary().endsWith("unknown site (its event is not in the recording)"), f.summary());
    }

    @Test
    void timeWaitPeakCountsTwoMslAfterEachActiveClose() {
        // 1,200 closes at 10 per second over 120 s; each holds TIME_WAIT for 60 s: at most 600 at once
        Changes c = new Changes().endAt(200);
        for (int i = 0; i < 1200; i++) {
            double t = i / 10.0;
            c.client(i, 40000 + i, "10.0.0.9", 8080).site("com.example.Client.call:12").connect(t)
                    .go(t + 0.01, ESTABLISHED, FIN_WAIT_1, API, "CLOSE")
                    .go(t + 0.01, FIN_WAIT_1, TIME_WAIT, EXPECTED, "ASSUMED_PEER_CLOSED");
        }
        c.summary(1, 32768, 60999);
        assertTrue(of(c, TimeWaitAccumulation.TYPE).isEmpty(), "600 at once is below the default 1000");

        Thresholds t = Thresholds.defaults().with(TimeWaitAccumulation.THRESHOLD, 500L);
        Finding f = of(c, TimeWaitAccumulation.TYPE, t).get(0);
        assertEquals(1200, f.count());
        assertEquals(600, (long) f.measure(TimeWaitAccumulation.PEAK).orElseThrow().value());
        assertEquals(10.0, f.measure(TimeWaitAccumulation.RATE).orElseThrow().value(), 0.1);
        assertEquals(600.0 / 28232, f.measure(TimeWaitAccumulation.PORT_FRACTION).orElseThrow().value(), 1e-9);
        assertEquals("10.0.0.9:8080", f.peer());
        assertEquals("closed", f.siteRole());
        assertEquals("com.example.Client.call:12", f.site().frame().toString());
        assertEquals(0, (long) f.measure(TimeWaitAccumulation.KERNEL_OBSERVED).orElseThrow().value());
    }

    @Test
    void kernelObservedTimeWaitEndsWhenTheKernelSaysSo() {
        Changes c = new Changes().endAt(200);
        for (int i = 0; i < 10; i++) {
            // each observed for 1 s only: never more than one at once
            c.client(i, 40000 + i, "10.0.0.9", 8080).connect(i * 2)
                    .go(i * 2 + 0.5, ESTABLISHED, FIN_WAIT_1, API, "CLOSE")
                    .go(i * 2 + 0.5, FIN_WAIT_1, TIME_WAIT, KERNEL, "RCV_FIN_ACK_OF_FIN", "kernel: rcv FIN", 1000)
                    .go(i * 2 + 1.5, TIME_WAIT, CLOSED, KERNEL, "TIMEOUT_2MSL");
        }
        Thresholds one = Thresholds.defaults().with(TimeWaitAccumulation.THRESHOLD, 1L);
        Finding f = of(c, TimeWaitAccumulation.TYPE, one).get(0);
        assertEquals(1, (long) f.measure(TimeWaitAccumulation.PEAK).orElseThrow().value());
        assertEquals(10, (long) f.measure(TimeWaitAccumulation.KERNEL_OBSERVED).orElseThrow().value());
    }

    @Test
    void theCloseRateCountsTheClosesNotTheSampleThatSawTheirTimeWaits() {
        // 100 closes at 10 per second, every TIME_WAIT first seen by one sample at the end (as at exit)
        Changes c = new Changes().endAt(20);
        for (int i = 0; i < 100; i++) {
            double t = i / 10.0;
            c.client(i, 40000 + i, "10.0.0.9", 8080).connect(t)
                    .go(t + 0.01, ESTABLISHED, FIN_WAIT_1, API, "CLOSE")
                    .go(19.9, FIN_WAIT_1, TIME_WAIT, KERNEL, "RCV_FIN_ACK_OF_FIN", "kernel: rcv FIN", 50_000);
        }
        Thresholds one = Thresholds.defaults().with(TimeWaitAccumulation.THRESHOLD, 1L);
        Finding f = of(c, TimeWaitAccumulation.TYPE, one).get(0);
        assertEquals(10.0, f.measure(TimeWaitAccumulation.RATE).orElseThrow().value(), 0.1);
    }

    @Test
    void anActiveCloseWhoseTimeWaitTheKernelViewMissedIsCountedFromTheClose() {
        // kernel view on: no EXPECTED events, and the sampler never saw these orphaned sockets
        Changes c = new Changes().endAt(10);
        for (int i = 0; i < 20; i++) {
            c.client(i, 40000 + i, "10.0.0.9", 8080).site("com.example.Client.call:12").connect(i * 0.1)
                    .go(i * 0.1 + 0.01, ESTABLISHED, FIN_WAIT_1, API, "CLOSE");
        }
        c.client(99, 40999, "10.0.0.9", 8080).site("com.example.Upload.half:3").connect(0)
                .go(1, ESTABLISHED, FIN_WAIT_1, API, "SHUTDOWN_OUTPUT"); // still open: not in TIME_WAIT
        Finding f = of(c, TimeWaitAccumulation.TYPE,
                Thresholds.defaults().with(TimeWaitAccumulation.THRESHOLD, 20L)).get(0);
        assertEquals(20, f.count());
        assertEquals(20, (long) f.measure(TimeWaitAccumulation.PEAK).orElseThrow().value());
        assertEquals("com.example.Client.call:12", f.site().frame().toString());
    }

    @Test
    void serverSideTimeWaitDoesNotClaimEphemeralPorts() {
        Changes c = new Changes().endAt(100);
        for (int i = 0; i < 5; i++) {
            c.server(i, 8080, "10.0.0.7", 40000 + i).site("com.example.Server.handle:30")
                    .go(i, SYN_RECEIVED, ESTABLISHED, API, "ACCEPT")
                    .go(i + 0.1, ESTABLISHED, FIN_WAIT_1, API, "CLOSE")
                    .go(i + 0.1, FIN_WAIT_1, TIME_WAIT, EXPECTED, "ASSUMED_PEER_CLOSED");
        }
        Finding f = of(c, TimeWaitAccumulation.TYPE,
                Thresholds.defaults().with(TimeWaitAccumulation.THRESHOLD, 5L)).get(0);
        assertEquals("10.0.0.7", f.peer(), "accepted connections group by the peer's address");
        assertTrue(f.measure(TimeWaitAccumulation.PORT_FRACTION).isEmpty());
        assertEquals(5, (long) f.measure(TimeWaitAccumulation.PEAK).orElseThrow().value());
    }

    @Test
    void finWait2LingerCoversKernelFinWait2AndInferredFinWait1() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 443).site("com.example.Upload.finish:88").connect(0)
                .go(1, ESTABLISHED, FIN_WAIT_1, API, "SHUTDOWN_OUTPUT");
        c.client(2, 50002, "10.0.0.9", 443).site("com.example.Upload.finish:88").connect(0)
                .go(1, ESTABLISHED, FIN_WAIT_1, API, "SHUTDOWN_OUTPUT")
                .go(1.1, FIN_WAIT_1, FIN_WAIT_2, KERNEL, "RCV_ACK_OF_FIN");
        c.client(3, 50003, "10.0.0.9", 443).site("com.example.Upload.finish:88").connect(0)
                .go(1, ESTABLISHED, FIN_WAIT_1, API, "SHUTDOWN_OUTPUT")
                .go(2, FIN_WAIT_1, TIME_WAIT, API, "READ_EOF");
        Finding f = of(c, FinWait2Linger.TYPE).get(0);
        assertEquals(2, f.count());
        assertEquals(1, (long) f.measure(FinWait2Linger.KERNEL_CONFIRMED).orElseThrow().value());
        assertEquals("com.example.Upload.finish:88", f.site().frame().toString());
    }

    @Test
    void garbageCollectedConnectionsAreReportedAtTheirOpeningSite() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 443).site("com.example.Leaky.open:5").connect(0)
                .go(40, ESTABLISHED, FIN_WAIT_1, API, "GARBAGE_COLLECTED", "garbage collected without close", -1);
        Finding f = of(c, ClosedByGarbageCollection.TYPE).get(0);
        assertEquals(1, f.count());
        assertEquals("com.example.Leaky.open:5", f.site().frame().toString());
        assertEquals(40, f.measure(ClosedByGarbageCollection.LONGEST_LIFETIME).orElseThrow().value() / 1e9, 0.01);
    }

    @Test
    void resetOnCloseTellsDeliberateLingerZeroFromLostInput() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 443).site("com.example.Fast.close:3").connect(0)
                .abort(1, ESTABLISHED, AbortCause.LINGER_ZERO, "Socket.close with SO_LINGER 0");
        c.client(2, 50002, "10.0.0.9", 444).site("com.example.Sloppy.close:4").connect(0)
                .abort(1, ESTABLISHED, AbortCause.UNREAD_INPUT, "SocketChannel.close with unread input");
        List<Finding> f = of(c, ResetOnClose.TYPE);
        assertEquals(2, f.size());
        Finding lost = f.stream().filter(x -> x.severity() == Severity.WARNING).findFirst().orElseThrow();
        assertEquals("10.0.0.9:444", lost.peer());
        assertEquals(1, (long) lost.measure(ResetOnClose.UNREAD_DATA).orElseThrow().value());
        Finding deliberate = f.stream().filter(x -> x.severity() == Severity.INFO).findFirst().orElseThrow();
        assertEquals("com.example.Fast.close:3", deliberate.site().frame().toString());
    }

    @Test
    void aHealthyRunHasNoFindings() {
        Changes c = new Changes().endAt(100);
        for (int i = 0; i < 50; i++) {
            c.client(i, 40000 + i, "10.0.0.9", 80).connect(i)
                    .go(i + 0.1, ESTABLISHED, CLOSE_WAIT, API, "READ_EOF")
                    .go(i + 0.1, CLOSE_WAIT, LAST_ACK, API, "CLOSE");
        }
        assertTrue(Findings.evaluate(Timeline.of(c.events()), Thresholds.defaults()).isEmpty());
    }

    @Test
    void codeSitesSkipTheJdkAndTheAgent() {
        Changes c = new Changes();
        CodeSite site = CodeSite.of(Changes.stack("com.example.A.b:1", "com.example.Main.main:2"), "t");
        assertEquals("com.example.A.b:1", site.frame().toString());
        assertTrue(site.applicationFrame());
        assertEquals(1, site.below().size());
        CodeSite jdkOnly = CodeSite.of(Changes.stack(), "t");
        assertFalse(jdkOnly.applicationFrame());
        assertEquals("java.net.Socket.connect:633", jdkOnly.frame().toString());
        assertTrue(c.events().hasTcpstateData());
    }

    @Test
    void preferencesAreDeclaredOnceWithDistinctIdsAndParseWhatTheyPrint() {
        Set<String> ids = new HashSet<>();
        for (Preference<?> p : Findings.preferences()) {
            assertTrue(ids.add(p.id()), "duplicate id " + p.id());
            assertFalse(p.label().isBlank());
            assertFalse(p.description().isBlank());
            roundTrip(p);
        }
        assertTrue(ids.containsAll(List.of("close-wait-threshold", "time-wait-threshold")));
    }

    private static <T> void roundTrip(Preference<T> p) {
        assertEquals(p.defaultValue(), p.parse(p.toText(p.defaultValue())));
    }

    @Test
    void durationsNeedAUnit() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("5"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("five seconds"));
        assertEquals("12.3 s", Durations.format(12_300_000_000L));
        assertEquals("2 min 05 s", Durations.format(125_000_000_000L));
    }

    @Test
    void failOnNamesAreTheShortKindsOrTheTypeNames() {
        assertEquals(CloseWaitLinger.TYPE, Findings.type("close-wait").orElseThrow());
        assertEquals(TimeWaitAccumulation.TYPE, Findings.type("TIME_WAIT_ACCUMULATION").orElseThrow());
        assertEquals(ClosedByGarbageCollection.TYPE, Findings.type("gc-close").orElseThrow());
        assertTrue(Findings.type("close-wiat").isEmpty());
    }

    @Test
    void aStayPastTheThresholdScoresHigherTheLongerItIsWithinItsSeverity() {
        Changes c = new Changes().endAt(100);
        c.client(1, 50001, "10.0.0.9", 443).connect(0).go(10, ESTABLISHED, CLOSE_WAIT, KERNEL, "RCV_FIN"); // 90 s
        FindingRule rule = new CloseWaitLinger();
        Thresholds half = Thresholds.defaults().with(CloseWaitLinger.THRESHOLD, Duration.ofSeconds(45));
        assertEquals(87.5, rule.score(of(c, CloseWaitLinger.TYPE, half).get(0), half), 1e-9);
        Thresholds all = Thresholds.defaults().with(CloseWaitLinger.THRESHOLD, Duration.ofSeconds(90));
        assertEquals(75, rule.score(of(c, CloseWaitLinger.TYPE, all).get(0), all), 1e-9);
    }

    @Test
    void everyFindingScoresInTheBandOfItsSeverityAndMeasuresOnlyWhatItsRuleDeclares() {
        Report r = Scenarios.troubled(Set.of());
        Set<FindingType> seen = new HashSet<>();
        for (Finding f : r.findings()) {
            FindingRule rule = Findings.rules().stream().filter(x -> x.type().equals(f.type())).findFirst().orElseThrow();
            double score = rule.score(f, r.thresholds());
            boolean inBand = f.severity() == Severity.WARNING ? score >= 75 && score <= 100 : score >= 25 && score < 75;
            assertTrue(inBand, f.severity() + " scored " + score + ": " + f.summary());
            assertTrue(rule.measures().containsAll(f.measures().stream().map(Measure::kind).toList()), f.type().name());
            seen.add(f.type());
        }
        assertTrue(seen.size() >= 3, seen.toString());
    }

    @Test
    void everyKindOfFindingHasItsOwnNames() {
        for (Function<FindingType, String> name : List.<Function<FindingType, String>>of(
                FindingType::name, FindingType::kind, FindingType::ruleId, FindingType::ruleName)) {
            assertEquals(Findings.types().size(), Findings.types().stream().map(name).distinct().count());
        }
    }

    @Test
    void closedConnectionsHaveNoFinalLingeringState() {
        Changes c = new Changes().endAt(10);
        c.client(1, 50001, "10.0.0.9", 80).connect(0).go(1, ESTABLISHED, CLOSED, API, "RESET");
        assertEquals(CLOSED, Timeline.of(c.events()).connections().get(0).finalState());
        assertTrue(Timeline.of(c.events()).atEnd().isEmpty());
    }
}

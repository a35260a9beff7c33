package dev.tcpstate.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoCommandLineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Demo.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownScenarioIsOneUsageLineOnStderrAndExitStatus2() {
        assertEquals(2, run("close-wait"));
        assertEquals(1, err().lines().count(), err());
        assertTrue(err().startsWith("tcpstate-demo: unknown scenario 'close-wait'; usage: java -jar tcpstate-demo.jar <close-wait-leak|"), err());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noScenarioIsAUsageError() {
        assertEquals(2, run());
        assertEquals(1, err().lines().count(), err());
    }

    @Test
    void aBadOptionIsAUsageError() {
        assertEquals(2, run("healthy", "--hold", "soon"));
        assertTrue(err().startsWith("tcpstate-demo: not a duration: soon"), err());
        assertEquals(1, err().lines().count(), err());
    }

    @Test
    void helpListsEveryScenario() {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (Scenario scenario : Demo.SCENARIOS) {
            assertTrue(help.contains(scenario.name()), help);
        }
    }

    @Test
    void optionsTakeDurationsWithUnitsAndBoundedCounts() {
        Options options = Options.parse(new String[] {"nio", "--hold", "500ms", "--connections", "7", "--requests", "90"}, 1);
        assertEquals(Duration.ofMillis(500), options.hold());
        assertEquals(7, options.connections(20));
        assertEquals(90, options.requests(1000));
        assertEquals(Duration.ofSeconds(2), Options.parse(new String[] {"--hold", "2s"}, 0).hold());
        assertEquals(Duration.ofMinutes(1), Options.parse(new String[] {"--hold", "1m"}, 0).hold());
        assertEquals(Options.DEFAULT_HOLD, Options.parse(new String[0], 0).hold());
        assertEquals(20, Options.parse(new String[0], 0).connections(20));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--connections", "0"}, 0));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--requests"}, 0));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--colour", "red"}, 0));
    }
}

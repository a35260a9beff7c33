package dev.tcpstate.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.it.Recorded.Change;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Close asks a socket for SO_LINGER (a system call) only once some code of the JVM set the option;
 * the agent learns that from the woven setters. Each scenario here runs alone in its JVM, so the
 * first and only setter call is the one the scenario makes: an abort must still be recognised,
 * whichever setter made it.
 */
class LingerSettersIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"linger-zero", "linger-zero-option", "nio-linger-zero"})
    void soLingerZeroSetByAnySetterMakesCloseAnAbort(String scenario) throws Exception {
        Path jfr = dir.resolve(scenario + ".jfr");
        Exited jvm = ChildJvm.java().agent("record=" + jfr + ",kernelInterval=off").main(Scenarios.class, scenario).run();
        assertEquals(0, jvm.exitCode(), jvm.stderr());
        assertTrue(jvm.stdout().contains(scenario + ": server reset"), jvm.stdout());
        Matcher m = Pattern.compile("scenario \\S+ port (\\d+)").matcher(jvm.stderr());
        assertTrue(m.find(), jvm.stderr());
        List<List<Change>> clients = Recorded.read(jfr).withPort(Integer.parseInt(m.group(1)), "CLIENT");
        assertEquals(1, clients.size(), clients.toString());
        List<Change> client = clients.get(0);
        assertEquals(List.of("SYN_SENT", "ESTABLISHED", "CLOSED"), Recorded.toStates(client));
        Change abort = client.get(client.size() - 1);
        assertEquals("ABORT", abort.stimulus());
        assertEquals("LINGER_ZERO", abort.abortCause());
        assertTrue(abort.trigger().contains("SO_LINGER 0"), abort.trigger());
    }

    @ParameterizedTest
    @ValueSource(strings = {"unread-close", "active-close"})
    void withoutAnySetterCloseStillTellsUnreadInputFromAnOrderlyClose(String scenario) throws Exception {
        Path jfr = dir.resolve(scenario + ".jfr");
        Exited jvm = ChildJvm.java().agent("record=" + jfr + ",kernelInterval=off").main(Scenarios.class, scenario).run();
        assertEquals(0, jvm.exitCode(), jvm.stderr());
        Matcher m = Pattern.compile("scenario \\S+ port (\\d+)").matcher(jvm.stderr());
        assertTrue(m.find(), jvm.stderr());
        List<List<Change>> servers = Recorded.read(jfr).withPort(Integer.parseInt(m.group(1)), "SERVER");
        assertEquals(1, servers.size(), servers.toString());
        List<String> states = Recorded.toStates(servers.get(0));
        if (scenario.equals("unread-close")) {
            assertEquals(List.of("ESTABLISHED", "CLOSED"), states);
            assertTrue(servers.get(0).get(1).trigger().contains("unread input"), servers.get(0).toString());
        } else {
            assertEquals(List.of("ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"), states);
        }
    }
}

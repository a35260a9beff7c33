package dev.tcpstate.agent.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import okhttp3.StandInCall;
import org.junit.jupiter.api.Test;

class OpeningSiteTest {

    @Test
    void theApplicationsFrameIsTheSiteAndItIsInterned() {
        OpeningSite first = null;
        for (int i = 0; i < 2; i++) {
            OpeningSite s = OpeningSite.ofCaller();
            assertTrue(s.frame().startsWith(OpeningSiteTest.class.getName()
                    + ".theApplicationsFrameIsTheSiteAndItIsInterned(OpeningSiteTest.java:"), s.frame());
            assertNull(s.library());
            assertNull(s.thread());
            if (first != null) {
                assertSame(first, s, "one object per site");
            }
            first = s;
        }
    }

    @Test
    void throughALibraryTheSiteNamesItsEntry() {
        OpeningSite s = StandInCall.execute(OpeningSite::ofCaller);
        assertTrue(s.frame().startsWith(OpeningSiteTest.class.getName() + ".throughALibraryTheSiteNamesItsEntry("),
                s.frame());
        assertEquals("OkHttp StandInCall.execute", s.library());
        assertTrue(s.describe().endsWith(" via OkHttp StandInCall.execute"), s.describe());
    }

    @Test
    void onALibrarysOwnThreadTheSiteNamesTheLibraryFrameAndTheThread() throws Exception {
        OpeningSite s = StandInCall.onOwnThread(OpeningSite::ofCaller);
        assertTrue(s.frame().startsWith("okhttp3.StandInCall.lambda$onOwnThread$"), s.frame());
        assertEquals("StandIn Dispatcher", s.thread());
    }

    @Test
    void onAThreadOfOnlyTheJdksCodeTheSiteSaysSoAndNamesTheThread() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "jdk-only"));
        try {
            OpeningSite s = pool.submit(OpeningSite::ofCaller).get();
            assertEquals("the JDK's own code", s.frame());
            assertEquals("jdk-only", s.thread());
        } finally {
            pool.shutdown();
        }
    }
}

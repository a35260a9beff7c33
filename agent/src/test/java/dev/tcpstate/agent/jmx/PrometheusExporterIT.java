package dev.tcpstate.agent.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.attach.HoldingApp;
import dev.tcpstate.testsupport.Artifacts;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Running;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's MBeans as an existing scraper sees them: the Prometheus JMX exporter's own javaagent
 * (from Maven Central), next to ours in a JVM that leaks connections into CLOSE_WAIT, scraped over
 * HTTP on loopback with a configuration that names nothing of tcpstate's.
 */
class PrometheusExporterIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern SAMPLE = Pattern.compile(
            "^dev_tcpstate_ConnectionState_(Count|Lingering|OldestSeconds)\\{state=\"([A-Z_0-9]+)\",?\\} (\\S+)$",
            Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void theExporterScrapesTheCountsPerStateAndTheLingeringLeak() throws Exception {
        Path exporter = Path.of(System.getProperty("prometheus.jmx.agent.jar", "missing"));
        assertTrue(Files.isRegularFile(exporter), "the exporter jar from Maven: " + exporter);
        Path config = Files.writeString(dir.resolve("exporter.yaml"), "rules:\n  - pattern: \".*\"\n");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (Running app = ChildJvm.java()
                .jvmArgs("-javaagent:" + exporter + "=127.0.0.1:" + port + ":" + config)
                .agent("live=on,kernelInterval=200ms").main(HoldingApp.class).start()) {
            app.nextLine("READY", WAIT);
            app.send("leak");
            app.nextLine("leaked", WAIT);
            Map<String, Double> closeWait = new TreeMap<>();
            String body = "";
            // the MBeans appear a second after the agent starts; the leak's FINs show in the next kernel sample
            for (int attempt = 0; attempt < 40; attempt++) {
                Thread.sleep(500);
                body = scrape(port);
                closeWait = samples(body, "CLOSE_WAIT");
                if (closeWait.getOrDefault("Lingering", 0.0) >= 4) {
                    break;
                }
            }
            System.out.println("scraped: " + body.lines().filter(l -> l.startsWith("dev_tcpstate_ConnectionState")
                    && l.contains("CLOSE_WAIT")).toList());
            // HoldingApp's connection from before, and the three it leaked: each a second or more in CLOSE_WAIT
            assertEquals(4.0, closeWait.get("Count"), body);
            assertEquals(4.0, closeWait.get("Lingering"), body);
            assertTrue(closeWait.get("OldestSeconds") >= 1.0, body);
            assertEquals(Map.of("Count", 0.0, "Lingering", 0.0, "OldestSeconds", 0.0), samples(body, "SYN_SENT"),
                    "every state is exported, the empty ones as 0");
            assertTrue(body.contains("dev_tcpstate_Agent_Tracked"), "the agent's own bean too:\n" + body);
            app.send("quit");
            assertEquals(0, app.finish(WAIT).exitCode());
        }
    }

    private static Map<String, Double> samples(String body, String state) {
        Map<String, Double> found = new TreeMap<>();
        Matcher m = SAMPLE.matcher(body);
        while (m.find()) {
            if (m.group(2).equals(state)) {
                found.put(m.group(1), Double.parseDouble(m.group(3)));
            }
        }
        return found;
    }

    private static String scrape(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (Exception e) {
            return ""; // not listening yet
        }
    }
}

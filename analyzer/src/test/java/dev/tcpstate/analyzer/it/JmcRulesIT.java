package dev.tcpstate.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.testsupport.Artifacts;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tcpstate.analyzer.findings.FindingType;
import dev.tcpstate.analyzer.findings.Findings;

/**
 * The findings as JDK Mission Control rules, run by JMC's own batch report
 * ({@code JfrRulesReport}) with the analyzer jar on the class path, next to JMC's built-in rules.
 */
class JmcRulesIT {

    @TempDir
    static Path dir;
    static Path leak;
    static Path healthy;

    @BeforeAll
    static void record() throws Exception {
        leak = record("close-wait", "2", "10500");
        healthy = record("healthy", "20");
    }

    static Path record(String scenario, String... args) throws Exception {
        Path jfr = dir.resolve(scenario + ".jfr");
        Exited r = ChildJvm.java().agent("record=" + jfr + ",kernelInterval=500ms").testClasspath()
                .main(RealAgentIT.SCENARIO, scenario).args(args).run(RealAgentIT.LIMIT);
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        return jfr;
    }

    /** Rule id to {severity, summary}, from JfrRulesReport's JSON (which JMC writes as almost-JSON). */
    static Map<String, String[]> rules(Path recording) throws Exception {
        return rules(recording, Artifacts.analyzerJar().toString());
    }

    static Map<String, String[]> rules(Path recording, String classpath) throws Exception {
        Exited r = ChildJvm.java().classpath(classpath).main("org.openjdk.jmc.flightrecorder.rules.report.JfrRulesReport",
                "-format", "json", recording.toString()).run(RealAgentIT.LIMIT);
        assertEquals(0, r.exitCode(), r.stderr());
        Map<String, String[]> rules = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"id\": \"([^\"]+)\",\\s*\"name\": \"[^\"]*\",\\s*\"severity\": \"([^\"]+)\","
                + "\\s*\"score\": [^\\n]*\\n\\s*\"summary\": \"([^\\n]*)\",").matcher(r.stdout());
        while (m.find()) {
            rules.put(m.group(1), new String[] {m.group(2), m.group(3)});
        }
        return rules;
    }

    @Test
    void aConnectionHeldInCloseWaitForTenSecondsIsAWarningNextToJmcsOwnRules() throws Exception {
        Map<String, String[]> rules = rules(leak);
        assertTrue(rules.containsKey("BufferLost"), "JMC's built-in rules ran too: " + rules.keySet());
        String[] closeWait = rules.get("tcpstate.CloseWaitLinger");
        assertEquals("Warning", closeWait[0], String.join(" | ", closeWait));
        assertTrue(closeWait[1].contains("held in CLOSE_WAIT") && closeWait[1].contains("127.0.0.1:"), closeWait[1]);
        assertTrue(closeWait[1].contains("opened at dev.tcpstate.analyzer.it.LoopbackScenarios"), closeWait[1]);
        for (FindingType type : Findings.types()) {
            assertTrue(rules.containsKey(type.ruleId()), type.ruleId() + " in " + rules.keySet());
        }
    }

    /**
     * The bundle for JMC's desktop application holds only the rules and what they use: next to JMC's
     * own libraries (and nothing else of ours) it yields the same verdict.
     */
    @Test
    void theJmcPluginJarRunsOnJmcsLibrariesAlone() throws Exception {
        Path plugin = Artifacts.analyzerJar().resolveSibling("tcpstate-jmc-plugin.jar");
        assertTrue(java.nio.file.Files.isRegularFile(plugin), plugin.toString());
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(plugin.toFile())) {
            java.util.jar.Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("dev.tcpstate.jmc.rules;singleton:=true", main.getValue("Bundle-SymbolicName"));
            assertTrue(main.getValue("Require-Bundle").contains("org.openjdk.jmc.flightrecorder.rules"));
            String pluginXml = new String(jar.getInputStream(jar.getEntry("plugin.xml")).readAllBytes());
            assertTrue(pluginXml.contains("point=\"org.openjdk.jmc.flightrecorder.rules.ruleProvider\""), pluginXml);
            assertTrue(jar.getEntry("META-INF/services/org.openjdk.jmc.flightrecorder.rules.IRule") != null);
        }
        StringBuilder classpath = new StringBuilder(plugin.toString());
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            boolean jmcLibrary = entry.contains("/org/openjdk/jmc/") || entry.contains("/lz4/")
                    || entry.contains("/org/owasp/");
            if (jmcLibrary) {
                classpath.append(java.io.File.pathSeparator).append(entry);
            }
        }
        String[] closeWait = rules(leak, classpath.toString()).get("tcpstate.CloseWaitLinger");
        assertEquals("Warning", closeWait[0], String.join(" | ", closeWait));
    }

    @Test
    void aHealthyRecordingIsOkForEveryTcpstateRule() throws Exception {
        Map<String, String[]> rules = rules(healthy);
        rules.forEach((id, result) -> {
            if (id.startsWith("tcpstate.")) {
                assertEquals("OK", result[0], id + ": " + result[1]);
            }
        });
        assertEquals(Findings.types().size(), rules.keySet().stream().filter(id -> id.startsWith("tcpstate.")).count(),
                rules.keySet().toString());
    }
}

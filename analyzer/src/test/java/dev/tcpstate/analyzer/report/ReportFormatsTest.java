package dev.tcpstate.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tcpstate.analyzer.findings.CloseWaitLinger;
import dev.tcpstate.analyzer.findings.Findings;
import dev.tcpstate.analyzer.findings.TimeWaitAccumulation;
import dev.tcpstate.analyzer.fixture.Scenarios;
import dev.tcpstate.contract.TcpState;

class ReportFormatsTest {

    static String render(Format format, Report report) throws IOException {
        StringWriter w = new StringWriter();
        format.write(report, w);
        return w.toString();
    }

    @Test
    void textPutsTheSummaryFirstThenTheDetails() throws IOException {
        String text = render(Format.TEXT, Scenarios.troubled(Set.of(CloseWaitLinger.TYPE)));
        int summary = text.indexOf("Findings: 3");
        int details = text.indexOf("Details");
        assertTrue(summary > 0 && details > summary, text);
        assertTrue(text.indexOf("CLOSE_WAIT") < summary, "counts per state come before the findings");
        assertTrue(text.contains("4 connections to 10.1.2.3:5432 held in CLOSE_WAIT for up to 1 min 40 s"), text);
        assertTrue(text.contains("opened at com.example.db.Pool.borrow:42 (thread \"main\")"), text);
        assertTrue(text.contains("at com.example.App.main:9"), text);
        assertTrue(text.contains("300 connections to 10.9.9.9:80 closed first by this JVM: up to 300 in TIME_WAIT at once"), text);
        assertTrue(text.contains("reset on close (1 with unread input discarded)"), text);
        assertTrue(text.contains("FAILED"), text);
        assertFalse(text.contains("Exception"), text);
    }

    @Test
    void textOfACleanRecordingSaysSoWithTheThresholds() throws IOException {
        String text = render(Format.TEXT, Scenarios.clean());
        assertTrue(text.contains("No findings. Thresholds: close-wait-threshold=5.00 s; time-wait-threshold=1000;"), text);
    }

    @Test
    void jsonHasExactlyTheDocumentedShape() throws IOException {
        Map<String, Row> doc = documentedFields();
        JsonNode json = new ObjectMapper().readTree(render(Format.JSON, Scenarios.troubled(Set.of(TimeWaitAccumulation.TYPE))));
        List<String> problems = new ArrayList<>();
        check(json, "", doc, problems);
        assertTrue(problems.isEmpty(), String.join("\n", problems));

        assertEquals(3, json.get("findings").size());
        JsonNode closeWait = json.get("findings").get(0);
        assertEquals("CLOSE_WAIT_LINGER", closeWait.get("type").asText());
        assertEquals(4, closeWait.get("count").asInt());
        assertEquals("10.1.2.3:5432", closeWait.get("connections").get(0).get("remote").asText());
        assertEquals("127.0.0.1:50000", closeWait.get("connections").get(0).get("local").asText());
        assertEquals(100_000_000_000L, closeWait.get("measures").get("longestNanos").asLong());
        assertEquals("com.example.db.Pool.borrow:42", closeWait.get("site").get("stack").get(0).asText());
        JsonNode timeWait = json.get("findings").get(1);
        assertEquals("TIME_WAIT_ACCUMULATION", timeWait.get("type").asText());
        assertEquals(300, timeWait.get("measures").get("peak").asInt());
        assertTrue(json.get("failed").asBoolean());
        assertEquals("TIME_WAIT_ACCUMULATION", json.get("failOn").get(0).asText());
        assertEquals("100", json.get("thresholds").get("time-wait-threshold").asText());
    }

    @Test
    void jsonOfACleanRecordingHasNoFindingsAndTheDocumentedShape() throws IOException {
        JsonNode json = new ObjectMapper().readTree(render(Format.JSON, Scenarios.clean()));
        List<String> problems = new ArrayList<>();
        check(json, "", documentedFields(), problems);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertEquals(0, json.get("findings").size());
        assertFalse(json.get("failed").asBoolean());
        assertEquals(10, json.get("connections").get("total").asInt());
    }

    @Test
    void junitXmlHasAFailingTestCasePerFindingAndPassingOnesForTheRest() throws Exception {
        Document xml = parse(render(Format.JUNIT, Scenarios.troubled(Set.of())));
        Element suite = (Element) xml.getElementsByTagName("testsuite").item(0);
        int kinds = Findings.rules().size();
        assertEquals(String.valueOf(3 + kinds - 3), suite.getAttribute("tests"));
        assertEquals("3", suite.getAttribute("failures"));
        NodeList failures = xml.getElementsByTagName("failure");
        assertEquals(3, failures.getLength());
        Element first = (Element) failures.item(0);
        assertEquals("CLOSE_WAIT_LINGER", first.getAttribute("type"));
        assertTrue(first.getAttribute("message").startsWith("WARNING: 4 connections to 10.1.2.3:5432"), first.getAttribute("message"));
        assertTrue(first.getTextContent().contains("at com.example.App.main:9"), first.getTextContent());
        Element testcase = (Element) first.getParentNode();
        assertEquals("tcpstate.CLOSE_WAIT_LINGER", testcase.getAttribute("classname"));
        assertEquals(kinds, xml.getElementsByTagName("testcase").getLength());
    }

    @Test
    void junitXmlOfACleanRecordingIsAPassingSuite() throws Exception {
        Document xml = parse(render(Format.JUNIT, Scenarios.clean()));
        Element suite = (Element) xml.getElementsByTagName("testsuite").item(0);
        assertEquals("0", suite.getAttribute("failures"));
        assertEquals(String.valueOf(Findings.rules().size()), suite.getAttribute("tests"));
        assertEquals(0, xml.getElementsByTagName("failure").getLength());
        NodeList cases = xml.getElementsByTagName("testcase");
        assertEquals("no CLOSE_WAIT_LINGER", ((Element) cases.item(0)).getAttribute("name"));
    }

    @Test
    void htmlIsOneSelfContainedFile() throws IOException {
        String html = render(Format.HTML, Scenarios.troubled(Set.of()));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<svg id=\"chart\""));
        assertTrue(html.contains("<svg class=\"timeline\""));
        assertTrue(html.contains(HtmlReport.COLOURS.get(TcpState.CLOSE_WAIT)));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="),
                "no network, no external resources");
        assertFalse(html.contains("<script"), "reads without script: nothing to toggle");
        assertTrue(html.contains("CLOSE_WAIT_LINGER"));
    }

    @Test
    void htmlChartLanesPeakAtTheTrueMostConnectionsAtOnce() throws IOException {
        Report report = Scenarios.leakBesideStorm();
        Map<String, Integer> max = new LinkedHashMap<>();
        Matcher m = Pattern.compile("<g class=\"lane\" data-state=\"(\\w+)\" data-max=\"(\\d+)\"")
                .matcher(render(Format.HTML, report));
        while (m.find()) {
            max.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertEquals(Scenarios.LEAKED, max.get("CLOSE_WAIT"), max.toString());
        assertEquals(Scenarios.STORM_PEAK_TIME_WAIT, max.get("TIME_WAIT"), max.toString());
        assertEquals(Scenarios.PEAK_OPEN, max.get("open"), "each connection counted once at any instant: " + max);
        assertTrue(Scenarios.PEAK_OPEN < report.timeline().connections().size(), "the fixture's peak is not everyone");
        assertFalse(max.containsKey("CLOSING"), "no lane for a state no connection was in: " + max);
    }

    @Test
    void htmlDrawsEveryFindingsOwnConnectionsAndSummarisesTheRest() throws IOException {
        Report report = Scenarios.leakBesideStorm();
        String html = render(Format.HTML, report);
        List<String> sections = sections(html, "finding-");
        assertEquals(report.findings().size(), sections.size());
        assertEquals(3, sections.size());
        for (String section : sections) {
            assertTrue(section.contains("<svg class=\"timeline\"") && section.contains("<g class=\"row\""),
                    "a timeline with drawn rows in " + section.substring(0, 120));
        }
        String storm = sections.get(1);
        assertTrue(storm.contains("TIME_WAIT_ACCUMULATION"), storm.substring(0, 120));
        assertEquals(HtmlReport.ROWS_PER_FINDING, count(storm, "<g class=\"row\""));
        assertTrue(storm.contains("+ 1,992 more like these"), storm);
        assertTrue(storm.contains("median 10.0 s in TIME_WAIT, max 10.0 s"), storm);
        assertEquals(Scenarios.LEAKED, count(sections.get(0), "<g class=\"row\""), "all five leaks drawn");
        assertFalse(sections.get(0).contains("more like these"));

        String others = html.substring(html.indexOf("<section id=\"others\""));
        assertTrue(others.contains("30 connections in no finding"), others);
        assertTrue(others.contains("10.9.9.7:443 CLIENT, longest in TIME_WAIT: 30 connections"), others);
        assertEquals(HtmlReport.ROWS_PER_GROUP, count(others, "<g class=\"row\""));
        assertTrue(others.contains("+ 27 more like these"), others);
        assertTrue(count(html, "<g class=\"row") < 40, "bounded: not one row per connection");
    }

    @Test
    void htmlWritesFramesAsAPersonReadsThem() throws IOException {
        String html = render(Format.HTML, Scenarios.leakBesideStorm());
        String leak = sections(html, "finding-").get(0);
        assertTrue(leak.contains("opened at <code>lambda in com.example.db.Pool.borrow:42 (thread &quot;main&quot;)"),
                leak);
        assertTrue(leak.contains("at com.example.db.Pool.borrow:40\n    at com.example.App.main:9\n</pre>"), leak);
        assertTrue(html.contains("opened at lambda in com.example.db.Pool.borrow:42</li>"), "the index too");
        for (String noise : List.of("$$Lambda", "lambda$", "0x00007fd9341c4a88", "jdk.internal.reflect",
                "Method.invoke", "org.junit", "surefire")) {
            assertFalse(html.contains(noise), noise + " printed");
        }
    }

    @Test
    void htmlKeepsTheTimeAxisAtTheTopWhileScrolling() throws IOException {
        String html = render(Format.HTML, Scenarios.leakBesideStorm());
        assertTrue(html.contains(".sticky{position:sticky;top:0;"), "the axis's CSS");
        int axis = html.indexOf("<div id=\"axis\" class=\"sticky\">");
        int container = html.indexOf("<div class=\"scaled\">");
        assertTrue(container >= 0 && axis > container, "the axis sticks within the container of every timeline");
        assertTrue(html.indexOf("<section id=\"finding-1\"") > axis && html.indexOf("<section id=\"others\"") > axis);
        assertTrue(html.lastIndexOf("</div>") > html.indexOf("<section id=\"others\""), "others inside the container");
    }

    /** The sections whose id starts with {@code idPrefix}, in order. */
    static List<String> sections(String html, String idPrefix) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while ((from = html.indexOf("<section id=\"" + idPrefix, from)) >= 0) {
            int end = html.indexOf("</section>", from);
            out.add(html.substring(from, end));
            from = end;
        }
        return out;
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    record Row(String path, String type, boolean always) {
    }

    /** The table of docs/analyzer-json.md: path → type, always present. */
    static Map<String, Row> documentedFields() throws IOException {
        Path doc = Path.of(System.getProperty("user.dir")).resolve("../docs/analyzer-json.md").normalize();
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(doc)) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String path = cells[1].trim().replace("`", "");
            rows.put(path, new Row(path, cells[2].trim(), cells[3].trim().equals("yes")));
        }
        assertTrue(rows.size() > 40, "the table of " + doc + " was not found");
        return rows;
    }

    private static void check(JsonNode node, String path, Map<String, Row> doc, List<String> problems) {
        if (node.isObject()) {
            for (Row r : doc.values()) {
                String parent = r.path.contains(".") ? r.path.substring(0, r.path.lastIndexOf('.')) : "";
                String name = r.path.substring(r.path.lastIndexOf('.') + 1);
                if (parent.equals(path) && r.always && !name.startsWith("<") && !name.endsWith("[]") && !node.has(name)) {
                    problems.add(path + ": missing always-present field " + name);
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                Row row = doc.get(child);
                if (row == null && TcpState.parse(e.getKey()) != null) {
                    row = doc.get(path + ".<STATE>");
                }
                if (row == null && path.equals("thresholds")) {
                    row = doc.get(path + ".<id>");
                }
                if (row == null) {
                    problems.add(child + ": not documented");
                    continue;
                }
                checkType(e.getValue(), row, problems);
                check(e.getValue(), row.path, doc, problems);
            }
        } else if (node.isArray()) {
            Row element = doc.get(path + "[]");
            for (JsonNode n : node) {
                if (n.isObject()) {
                    check(n, path + "[]", doc, problems);
                } else if (element == null) {
                    problems.add(path + "[]: not documented");
                } else {
                    checkType(n, element, problems);
                }
            }
        }
    }

    private static void checkType(JsonNode n, Row row, List<String> problems) {
        boolean ok = switch (row.type) {
            case "string" -> n.isTextual();
            case "integer" -> n.isIntegralNumber();
            case "number" -> n.isNumber();
            case "boolean" -> n.isBoolean();
            case "object" -> n.isObject();
            case "array" -> n.isArray();
            default -> false;
        };
        if (!ok) {
            problems.add(row.path + ": documented as " + row.type + ", written as " + n.getNodeType());
        }
    }

    @Test
    void everyDocumentedTypeIsOneTheCheckKnows() throws IOException {
        for (Row r : documentedFields().values()) {
            if (!Set.of("string", "integer", "number", "boolean", "object", "array").contains(r.type)) {
                fail(r.path + " has unknown type " + r.type);
            }
        }
    }
}

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
        assertTrue(html.contains("<svg id=\"timeline\""));
        assertTrue(html.contains(HtmlReport.COLOURS.get(TcpState.CLOSE_WAIT)));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="),
                "no network, no external resources");
        assertTrue(html.contains("CLOSE_WAIT_LINGER"));
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

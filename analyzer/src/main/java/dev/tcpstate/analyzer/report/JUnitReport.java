package dev.tcpstate.analyzer.report;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import dev.tcpstate.analyzer.findings.Finding;
import dev.tcpstate.analyzer.findings.FindingRule;
import dev.tcpstate.analyzer.findings.Findings;

/**
 * JUnit XML, the format CI systems display: each finding a failing test case (class name
 * {@code tcpstate.<TYPE>}); each kind of finding that found nothing a passing one, so a clean
 * recording is a passing suite.
 */
final class JUnitReport {
    private JUnitReport() {
    }

    static void write(Report r, Writer out) throws IOException {
        List<Finding> findings = r.findings();
        List<FindingRule> clean = Findings.rules().stream()
                .filter(rule -> findings.stream().noneMatch(f -> f.type().equals(rule.type())))
                .toList();
        int tests = findings.size() + clean.size();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuites");
            x.writeAttribute("name", "tcpstate");
            x.writeAttribute("tests", String.valueOf(tests));
            x.writeAttribute("failures", String.valueOf(findings.size()));
            x.writeAttribute("errors", "0");
            x.writeCharacters("\n  ");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", "tcpstate connections");
            x.writeAttribute("tests", String.valueOf(tests));
            x.writeAttribute("failures", String.valueOf(findings.size()));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", "0");
            x.writeAttribute("timestamp", Report.instant(r.timeline().start()).replaceAll("\\.\\d+Z$", "Z"));
            x.writeCharacters("\n    ");
            x.writeStartElement("properties");
            for (String recording : r.recordings()) {
                property(x, "recording", recording);
            }
            for (String warning : r.warnings()) {
                property(x, "warning", warning);
            }
            x.writeEndElement();
            for (Finding f : findings) {
                x.writeCharacters("\n    ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "tcpstate." + f.type().name());
                x.writeAttribute("name", xml(f.count() + " to " + f.peer() + ", " + f.siteRole() + " at " + f.site().label()));
                x.writeAttribute("time", "0");
                x.writeStartElement("failure");
                x.writeAttribute("type", f.type().name());
                x.writeAttribute("message", xml(f.severity() + ": " + f.summary()));
                x.writeCharacters(xml(String.join("\n", FindingText.details(f, "")) + "\n"));
                x.writeEndElement();
                x.writeEndElement();
            }
            for (FindingRule rule : clean) {
                x.writeCharacters("\n    ");
                x.writeEmptyElement("testcase");
                x.writeAttribute("classname", "tcpstate." + rule.type().name());
                x.writeAttribute("name", "no " + rule.type().name());
                x.writeAttribute("time", "0");
            }
            x.writeCharacters("\n  ");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.flush();
        } catch (XMLStreamException e) {
            throw new IOException(e.getMessage(), e);
        }
        out.flush();
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeCharacters("\n      ");
        x.writeEmptyElement("property");
        x.writeAttribute("name", name);
        x.writeAttribute("value", xml(value));
    }

    /** Text XML 1.0 can hold: recorded strings (thread names, file names) may carry control characters. */
    static String xml(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0xfffe || c == 0xffff ? '?' : c);
        }
        return b.toString();
    }
}

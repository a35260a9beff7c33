package dev.tcpstate.analyzer.report;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tcpstate.analyzer.findings.AffectedConnection;
import dev.tcpstate.analyzer.findings.CodeSite;
import dev.tcpstate.analyzer.findings.Finding;
import dev.tcpstate.analyzer.findings.Findings;
import dev.tcpstate.analyzer.findings.Measure;
import dev.tcpstate.analyzer.findings.Preference;
import dev.tcpstate.analyzer.load.Frame;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.TcpState;

/**
 * The stable machine format, documented field by field in {@code docs/analyzer-json.md} (a test
 * checks every field written here against that page). Built node by node, not by serialising
 * classes, so that renaming a Java field cannot change the format.
 */
final class JsonReport {
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private JsonReport() {
    }

    static void write(Report r, Writer out) throws IOException {
        MAPPER.writeValue(out, tree(r));
        out.write('\n');
        out.flush();
    }

    static ObjectNode tree(Report r) {
        Timeline t = r.timeline();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        ArrayNode recordings = root.putArray("recordings");
        r.recordings().forEach(recordings::add);
        ArrayNode warnings = root.putArray("warnings");
        r.warnings().forEach(warnings::add);
        root.put("start", Report.instant(t.start()));
        root.put("end", Report.instant(t.end()));
        root.put("durationNanos", t.end() - t.start());
        ObjectNode thresholds = root.putObject("thresholds");
        for (Preference<?> p : Findings.preferences()) {
            thresholds.put(p.id(), text(p, r));
        }
        ArrayNode failOn = root.putArray("failOn");
        r.failOn().stream().sorted(Findings.inReportOrder()).forEach(k -> failOn.add(k.name()));
        root.put("failed", r.fails());

        ObjectNode connections = root.putObject("connections");
        connections.put("total", t.connections().size());
        states(connections.putObject("everIn"), t.everIn());
        states(connections.putObject("atEnd"), t.atEnd());
        root.put("anomalies", t.events().anomalies().size());

        ArrayNode findings = root.putArray("findings");
        for (Finding f : r.findings()) {
            findings.add(finding(f));
        }
        return root;
    }

    private static <T> String text(Preference<T> p, Report r) {
        return p.toText(r.thresholds().get(p));
    }

    private static void states(ObjectNode node, Map<TcpState, Integer> counts) {
        counts.forEach((state, n) -> node.put(state.name(), n));
    }

    private static ObjectNode finding(Finding f) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", f.type().name());
        n.put("severity", f.severity().name());
        n.put("summary", f.summary());
        n.put("peer", f.peer());
        n.put("count", f.count());
        ObjectNode measures = n.putObject("measures");
        for (Measure m : f.measures()) {
            if (m.kind().unit() == Measure.Unit.NANOSECONDS || m.kind().unit() == Measure.Unit.COUNT) {
                measures.put(m.kind().id(), (long) m.value());
            } else {
                measures.put(m.kind().id(), m.value());
            }
        }
        n.set("site", site(f.siteRole(), f.site()));
        ArrayNode connections = n.putArray("connections");
        for (AffectedConnection c : f.connections()) {
            ObjectNode cn = connections.addObject();
            cn.put("id", c.connectionId());
            cn.put("jvm", c.jvm());
            cn.put("local", c.local().toString());
            cn.put("remote", c.remote().toString());
            cn.put("state", c.state() == null ? "" : c.state().name());
            cn.put("start", Report.instant(c.start()));
            cn.put("durationNanos", c.nanos());
            cn.put("durationAtLeast", c.atLeast());
            cn.put("begunBefore", c.begunBefore() == null ? "" : c.begunBefore().name());
            cn.put("stillOpen", c.stillOpen());
            cn.put("kernelConfirmed", c.kernelConfirmed());
            cn.put("source", c.source().name());
        }
        n.put("explanation", f.explanation());
        n.put("advice", f.advice());
        return n;
    }

    private static ObjectNode site(String role, CodeSite site) {
        ObjectNode s = MAPPER.createObjectNode();
        s.put("role", role);
        s.put("known", site.isKnown());
        s.put("beforeRecording", site.beforeRecording());
        s.put("frame", site.isKnown() ? site.frame().toString() : "");
        s.put("applicationFrame", site.applicationFrame());
        s.put("thread", site.thread());
        s.put("library", site.library() == null ? "" : site.library().name());
        s.put("entry", site.entry() == null ? "" : site.entry().toString());
        s.put("libraryThread", site.libraryThread());
        ArrayNode stack = s.putArray("stack");
        if (site.isKnown()) {
            stack.add(site.frame().toString());
            for (Frame frame : site.below()) {
                stack.add(frame.toString());
            }
        }
        return s;
    }
}

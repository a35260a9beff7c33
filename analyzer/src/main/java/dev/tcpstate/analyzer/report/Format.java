package dev.tcpstate.analyzer.report;

import java.io.IOException;
import java.io.Writer;

/** The report formats. */
public enum Format {
    TEXT, JSON, JUNIT, HTML;

    public void write(Report report, Writer out) throws IOException {
        switch (this) {
            case TEXT -> TextReport.write(report, out);
            case JSON -> JsonReport.write(report, out);
            case JUNIT -> JUnitReport.write(report, out);
            case HTML -> HtmlReport.write(report, out);
        }
    }
}

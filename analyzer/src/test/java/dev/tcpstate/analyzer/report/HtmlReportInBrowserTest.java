package dev.tcpstate.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tcpstate.analyzer.fixture.Scenarios;
import dev.tcpstate.contract.TcpState;

/** The HTML report as a person sees it: rendered by headless Chromium, then the screenshot inspected. */
class HtmlReportInBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void theChartAndTheTimelineAreDrawnInTheirStateColours(@TempDir Path dir) throws Exception {
        skipWithoutChromium();
        Path html = dir.resolve("report.html");
        try (Writer w = Files.newBufferedWriter(html, StandardCharsets.UTF_8)) {
            Format.HTML.write(Scenarios.troubled(Set.of()), w);
        }
        BufferedImage image = screenshot(html.toUri().toString(), 1600, dir, "html-report-screenshot.png");
        assertEquals(1280, image.getWidth());
        int closeWait = count(image, HtmlReport.COLOURS.get(TcpState.CLOSE_WAIT));
        int timeWait = count(image, HtmlReport.COLOURS.get(TcpState.TIME_WAIT));
        int established = count(image, HtmlReport.COLOURS.get(TcpState.ESTABLISHED));
        int white = count(image, "#ffffff");
        long pixels = (long) image.getWidth() * image.getHeight();
        assertTrue(white < pixels * 0.97, "the page is not blank: " + white + " of " + pixels + " pixels white");
        // the chart's stacked areas and the timeline's bars, not just the legend's 12×12 squares
        assertTrue(closeWait > 2000, "CLOSE_WAIT red drawn: " + closeWait + " pixels");
        // (each TIME_WAIT ends 60 s after it began, as on Linux: 3,300 pixels here)
        assertTrue(timeWait > 2000, "TIME_WAIT orange drawn: " + timeWait + " pixels");
        assertTrue(established > 1000, "ESTABLISHED green drawn: " + established + " pixels");
    }

    /**
     * A leak of 5 connections beside a storm of 2,000 in TIME_WAIT: the whole page in a window taller
     * than it, then the page scrolled to its last section in a short window.
     */
    @Test
    void aSmallLeakStaysVisibleBesideABigStormAndTheAxisFollowsTheScroll(@TempDir Path dir) throws Exception {
        skipWithoutChromium();
        Report report = Scenarios.leakBesideStorm();
        Path html = dir.resolve("leak-beside-storm.html");
        try (Writer w = Files.newBufferedWriter(html, StandardCharsets.UTF_8)) {
            Format.HTML.write(report, w);
        }
        BufferedImage page = screenshot(html.toUri().toString(), 4000, dir, "html-report-leak-beside-storm.png");
        int bottom = lastNonWhiteRow(page);
        assertTrue(bottom < page.getHeight() - 50, "the window is taller than the page: " + bottom);

        // each finding's section (found by its left border) has bars drawn in it
        List<int[]> sections = runs(page, 22, List.of(WARNING_BORDER, INFO_BORDER));
        assertEquals(report.findings().size(), sections.size(), "finding sections at x=22: " + describe(sections));
        for (int[] s : sections) {
            int bars = 0;
            for (String colour : HtmlReport.COLOURS.values()) {
                bars += count(page, colour, 360, s[0], page.getWidth(), s[1]);
            }
            assertTrue(bars > 150, "bars drawn in the finding at rows " + s[0] + "-" + s[1] + ": " + bars + " pixels");
        }

        // below the findings: the chart, where CLOSE_WAIT's 5 have a lane as tall as TIME_WAIT's 1,000
        int chartTop = sections.get(sections.size() - 1)[1];
        int closeWaitRows = rowsWith(page, HtmlReport.COLOURS.get(TcpState.CLOSE_WAIT), chartTop, 100);
        int timeWaitRows = rowsWith(page, HtmlReport.COLOURS.get(TcpState.TIME_WAIT), chartTop, 100);
        assertTrue(closeWaitRows >= 30, "CLOSE_WAIT red 100 px wide on " + closeWaitRows + " rows of the chart");
        assertTrue(timeWaitRows >= 30, "TIME_WAIT orange 100 px wide on " + timeWaitRows + " rows of the chart");

        // unscrolled, the axis sits below the heading; scrolled to the last section, at the window's top
        int axisRows = rowsWith(page, HtmlReport.AXIS_BACKGROUND, 0, 600);
        assertTrue(axisRows >= 20, "the axis bar drawn: " + axisRows + " rows");
        assertEquals(0, rowsWith(page.getSubimage(0, 0, page.getWidth(), 20), HtmlReport.AXIS_BACKGROUND, 0, 300),
                "unscrolled, the axis is not at the top");
        // Headless Chromium screenshots a scrolled document blank, so the page's body is put in a
        // scrolling box the size of the window, which the link to the last section scrolls: the
        // report's own CSS decides where its axis stays.
        Path boxed = dir.resolve("leak-beside-storm-in-a-scrolling-box.html");
        Files.writeString(boxed, Files.readString(html).replace("<body>",
                "<body style=\"margin:0\"><div style=\"height:700px;overflow:auto;padding:0 20px\">")
                .replace("</body>", "</div></body>"));
        BufferedImage scrolled = screenshot(boxed.toUri() + "#others", 700, dir, "html-report-scrolled.png");
        assertTrue(bottom > 2 * 700, "a page longer than two windows: " + bottom);
        BufferedImage top = scrolled.getSubimage(0, 0, scrolled.getWidth(), 20);
        int topRows = rowsWith(top, HtmlReport.AXIS_BACKGROUND, 0, 300);
        assertTrue(topRows >= 15, "scrolled, the axis is at the top of the window: " + topRows + " of the 20 top rows");
        assertTrue(count(scrolled, HtmlReport.COLOURS.get(TcpState.TIME_WAIT), 360, 60, scrolled.getWidth(), 700) > 500,
                "and the other connections' bars under it");
    }

    static final String WARNING_BORDER = "#b71c1c";
    static final String INFO_BORDER = "#1e88e5";

    static void skipWithoutChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            System.out.println("SKIPPED HtmlReportInBrowserTest: " + CHROMIUM + " is not installed (apt-get install chromium)");
            Assumptions.abort("chromium is not installed");
        }
    }

    /** A screenshot of {@code url} in a window 1280 wide, kept in target/{@code keptAs} for a person to look at. */
    static BufferedImage screenshot(String url, int windowHeight, Path dir, String keptAs)
            throws IOException, InterruptedException {
        Path png = dir.resolve(keptAs);
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        Process p = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + png,
                "--window-size=1280," + windowHeight, url))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        assertTrue(Files.isRegularFile(png) && Files.size(png) > 0,
                "chromium wrote no screenshot: " + Files.readString(dir.resolve("chromium.log")));
        Files.copy(png, Path.of("target", keptAs), StandardCopyOption.REPLACE_EXISTING);
        return ImageIO.read(png.toFile());
    }

    /** The rows of {@code image} from {@code fromY} with at least {@code atLeast} pixels of {@code hex}. */
    static int rowsWith(BufferedImage image, String hex, int fromY, int atLeast) {
        int rows = 0;
        for (int y = fromY; y < image.getHeight(); y++) {
            if (count(image, hex, 0, y, image.getWidth(), y + 1) >= atLeast) {
                rows++;
            }
        }
        return rows;
    }

    /** Vertical runs [top, bottom) of column {@code x} in any of {@code colours}, at least 20 px long. */
    static List<int[]> runs(BufferedImage image, int x, List<String> colours) {
        List<int[]> out = new ArrayList<>();
        int start = -1;
        for (int y = 0; y <= image.getHeight(); y++) {
            int row = y;
            boolean in = y < image.getHeight() && colours.stream().anyMatch(c -> count(image, c, x, row, x + 1, row + 1) == 1);
            if (in && start < 0) {
                start = y;
            } else if (!in && start >= 0) {
                if (y - start >= 20) {
                    out.add(new int[] {start, y});
                }
                start = -1;
            }
        }
        return out;
    }

    static String describe(List<int[]> runs) {
        return runs.stream().map(r -> r[0] + "-" + r[1]).toList().toString();
    }

    static int lastNonWhiteRow(BufferedImage image) {
        for (int y = image.getHeight() - 1; y >= 0; y--) {
            if (count(image, "#ffffff", 0, y, image.getWidth(), y + 1) < image.getWidth()) {
                return y;
            }
        }
        return 0;
    }

    /** Pixels within a small distance of {@code hex} (anti-aliasing blurs edges, not areas). */
    static int count(BufferedImage image, String hex) {
        return count(image, hex, 0, 0, image.getWidth(), image.getHeight());
    }

    /** Pixels within a small distance of {@code hex} in [x0, x1) × [y0, y1). */
    static int count(BufferedImage image, String hex, int x0, int y0, int x1, int y1) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        int r0 = rgb >> 16 & 0xff;
        int g0 = rgb >> 8 & 0xff;
        int b0 = rgb & 0xff;
        int n = 0;
        for (int y = Math.max(0, y0); y < Math.min(y1, image.getHeight()); y++) {
            for (int x = Math.max(0, x0); x < Math.min(x1, image.getWidth()); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs((p >> 16 & 0xff) - r0) + Math.abs((p >> 8 & 0xff) - g0) + Math.abs((p & 0xff) - b0) < 12) {
                    n++;
                }
            }
        }
        return n;
    }
}

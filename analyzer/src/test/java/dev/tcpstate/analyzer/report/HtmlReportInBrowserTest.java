package dev.tcpstate.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        if (!Files.isExecutable(CHROMIUM)) {
            System.out.println("SKIPPED HtmlReportInBrowserTest: " + CHROMIUM + " is not installed (apt-get install chromium)");
            Assumptions.abort("chromium is not installed");
        }
        Path html = dir.resolve("report.html");
        try (Writer w = Files.newBufferedWriter(html, StandardCharsets.UTF_8)) {
            Format.HTML.write(Scenarios.troubled(Set.of()), w);
        }
        Path png = screenshot(html, dir);
        // keep a copy where a person can look at it
        Files.copy(png, Path.of("target", "html-report-screenshot.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        int closeWait = count(image, HtmlReport.COLOURS.get(TcpState.CLOSE_WAIT));
        int timeWait = count(image, HtmlReport.COLOURS.get(TcpState.TIME_WAIT));
        int established = count(image, HtmlReport.COLOURS.get(TcpState.ESTABLISHED));
        int white = count(image, "#ffffff");
        long pixels = (long) image.getWidth() * image.getHeight();
        assertTrue(white < pixels * 0.97, "the page is not blank: " + white + " of " + pixels + " pixels white");
        // the chart's stacked areas and the timeline's bars, not just the legend's 12×12 squares
        assertTrue(closeWait > 2000, "CLOSE_WAIT red drawn: " + closeWait + " pixels");
        assertTrue(timeWait > 5000, "TIME_WAIT orange drawn: " + timeWait + " pixels");
        assertTrue(established > 1000, "ESTABLISHED green drawn: " + established + " pixels");
    }

    static Path screenshot(Path html, Path dir) throws IOException, InterruptedException {
        Path png = dir.resolve("screenshot.png");
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        Process p = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + png,
                "--window-size=1280,1600", html.toUri().toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        assertTrue(Files.size(png) > 0, "chromium wrote no screenshot: " + Files.readString(dir.resolve("chromium.log")));
        return png;
    }

    /** Pixels within a small distance of {@code hex} (anti-aliasing blurs edges, not areas). */
    static int count(BufferedImage image, String hex) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        int r0 = rgb >> 16 & 0xff;
        int g0 = rgb >> 8 & 0xff;
        int b0 = rgb & 0xff;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs((p >> 16 & 0xff) - r0) + Math.abs((p >> 8 & 0xff) - g0) + Math.abs((p & 0xff) - b0) < 12) {
                    n++;
                }
            }
        }
        return n;
    }
}

package dev.tcpstate.demo.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A request/response service whose request has no length: the client sends its document and then
 * shuts down its output; end of stream is the end of the request. The server answers and closes.
 */
public final class WordCountHandler implements LineServer.Handler {

    @Override
    public void serve(Socket connection, ServerStats stats) throws IOException {
        InputStream in = connection.getInputStream();
        String document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        stats.requests.incrementAndGet();
        String trimmed = document.strip();
        int words = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        int lines = (int) document.lines().count();
        OutputStream out = connection.getOutputStream();
        out.write(LineReader.line("200 OK words=" + words + " lines=" + lines));
        out.flush();
    }
}

package dev.tcpstate.demo.server;

import java.net.URI;

/**
 * The tiny HTTP-ish protocol both servers speak: one request line ({@code GET /path?query}), one
 * status line back ({@code 200 OK ...}); {@code /download} follows its status line with a body.
 */
public final class Routes {
    private Routes() {
    }

    /** A parsed request line. */
    public record Request(String method, String path, String query) {
        public int intParam(String name, int fallback) {
            if (query == null) {
                return fallback;
            }
            for (String pair : query.split("&")) {
                if (pair.startsWith(name + "=")) {
                    try {
                        return Integer.parseInt(pair.substring(name.length() + 1));
                    } catch (NumberFormatException e) {
                        return fallback;
                    }
                }
            }
            return fallback;
        }
    }

    /** Parses a request line; null when it is not {@code METHOD /path}. */
    public static Request parse(String line) {
        String[] parts = line.trim().split(" ");
        if (parts.length < 2 || !parts[1].startsWith("/")) {
            return null;
        }
        try {
            URI uri = URI.create(parts[1]);
            return new Request(parts[0], uri.getPath(), uri.getQuery());
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** The status line for a request that needs no waiting and no body. */
    public static String respond(Request request) {
        if (request == null) {
            return "400 BAD REQUEST";
        }
        if (request.path().equals("/hello")) {
            return "200 OK hello";
        }
        return "404 NOT FOUND " + request.path();
    }
}

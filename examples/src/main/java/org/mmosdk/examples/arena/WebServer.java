package org.mmosdk.examples.arena;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The page (static files from the classpath folder {@code web/}), {@code /config.json} (where the page's WebSocket
 * connects) and {@code /metrics} (Prometheus text format), with the JDK's HTTP server on one thread of its own.
 */
final class WebServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "arena-http"));

    WebServer(final String host, final int port, final int webSocketPort, final String webSocketPath,
              final PrometheusMeterRegistry prometheus) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
            prometheus.scrape().getBytes(StandardCharsets.UTF_8)));
        server.createContext("/config.json", ex -> reply(ex, 200, "application/json",
            ("{\"wsPort\":" + webSocketPort + ",\"wsPath\":\"" + webSocketPath + "\"}").getBytes(StandardCharsets.UTF_8)));
        server.createContext("/", this::file);
        server.setExecutor(executor);
    }

    WebServer start() {
        server.start();
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void file(final HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/")) {
            path = "/index.html";
        }
        if (path.contains("..")) {
            reply(ex, 404, "text/plain", new byte[0]);
            return;
        }
        try (InputStream in = WebServer.class.getResourceAsStream("/web" + path)) {
            if (in == null) {
                reply(ex, 404, "text/plain", ("no " + path).getBytes(StandardCharsets.UTF_8));
                return;
            }
            final String type = path.endsWith(".html") ? "text/html; charset=utf-8"
                : path.endsWith(".js") ? "text/javascript; charset=utf-8"
                : path.endsWith(".css") ? "text/css" : "application/octet-stream";
            reply(ex, 200, type, in.readAllBytes());
        }
    }

    private static void reply(final HttpExchange ex, final int status, final String type, final byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package dev.chrunbook.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The read-only web page of a run, on the JDK's own HTTP server: {@code /} is a static page that
 * asks {@code /api/view} every two seconds. Only GET and HEAD are answered; nothing it serves
 * changes anything. With a token, every request must carry it ({@code ?token=} or a Bearer header).
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    static final String PAGE = "/dev/chrunbook/dashboard/index.html";

    /** The view's JSON, or an I/O error reading it. */
    public interface ViewSource {
        byte[] json() throws IOException;
    }

    private final HttpServer server;
    private final Optional<String> token;
    private final ViewSource view;
    private final byte[] page;

    public DashboardServer(InetSocketAddress at, Optional<String> token, ViewSource view) throws IOException {
        this.token = token;
        this.view = view;
        try (InputStream in = DashboardServer.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE + " is missing from the build");
            }
            this.page = in.readAllBytes();
        }
        this.server = HttpServer.create(at, 16);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "chrunbook-serve");
            t.setDaemon(true);
            return t;
        }));
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            x.getResponseHeaders().add("Cache-Control", "no-store");
            x.getResponseHeaders().add("X-Content-Type-Options", "nosniff");
            String method = x.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                x.getResponseHeaders().add("Allow", "GET, HEAD");
                send(x, 405, "text/plain", "read-only: only GET and HEAD are answered\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!authorized(x)) {
                send(x, 401, "text/plain", "a token is needed: open the page with ?token=...\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = x.getRequestURI().getPath();
            switch (path) {
                case "/", "/index.html" -> send(x, 200, "text/html; charset=utf-8", page);
                case "/api/view" -> {
                    byte[] body;
                    try {
                        body = view.json();
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("the view could not be read: {}", e.toString());
                        send(x, 503, "text/plain", ("the view could not be read: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                    send(x, 200, "application/json", body);
                }
                default -> send(x, 404, "text/plain", ("no page " + path + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private boolean authorized(HttpExchange x) {
        if (token.isEmpty()) {
            return true;
        }
        String given = Optional.ofNullable(x.getRequestHeaders().getFirst("Authorization"))
                .filter(h -> h.startsWith("Bearer ")).map(h -> h.substring(7))
                .orElseGet(() -> queryToken(x.getRequestURI()));
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.get().getBytes(StandardCharsets.UTF_8));
    }

    private static String queryToken(URI uri) {
        String q = uri.getRawQuery();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            if (pair.startsWith("token=")) {
                return java.net.URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void send(HttpExchange x, int code, String type, byte[] body) throws IOException {
        x.getResponseHeaders().add("Content-Type", type);
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

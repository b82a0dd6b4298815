package dev.chrunbook.dashboard;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page's server on a real socket: read-only, the token enforced, the view served as it is built. */
class DashboardServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(int port, String method, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("x") : HttpRequest.BodyPublishers.noBody());
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageAndTheViewAndRefusesEverythingThatWouldChangeSomething() throws Exception {
        int[] asked = {0};
        try (DashboardServer server = new DashboardServer(new InetSocketAddress("127.0.0.1", 0), Optional.empty(),
                () -> ("{\"asked\":" + ++asked[0] + "}").getBytes(StandardCharsets.UTF_8))) {
            server.start();
            int port = server.port();
            HttpResponse<String> page = send(port, "GET", "/", null);
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("id=\"matrix\"") && page.body().contains("api/view"), page.body());
            assertEquals("{\"asked\":1}", send(port, "GET", "/api/view", null).body());
            assertEquals("{\"asked\":2}", send(port, "GET", "/api/view", null).body(), "built afresh at every request");
            for (String method : new String[] {"POST", "PUT", "DELETE"}) {
                HttpResponse<String> refused = send(port, method, "/api/view", null);
                assertEquals(405, refused.statusCode(), method);
                assertEquals("GET, HEAD", refused.headers().firstValue("Allow").orElse(""));
            }
            assertEquals(2, asked[0], "a refused request does not read the view");
            assertEquals(404, send(port, "GET", "/state.json", null).statusCode());
        }
    }

    @Test
    void withATokenEveryRequestMustCarryIt() throws Exception {
        try (DashboardServer server = new DashboardServer(new InetSocketAddress("127.0.0.1", 0), Optional.of("s3cret-t0ken"),
                () -> "{}".getBytes(StandardCharsets.UTF_8))) {
            server.start();
            int port = server.port();
            assertEquals(401, send(port, "GET", "/", null).statusCode());
            assertEquals(401, send(port, "GET", "/api/view", "wrong").statusCode());
            assertEquals(401, send(port, "GET", "/api/view?token=s3cret", null).statusCode());
            assertEquals(200, send(port, "GET", "/?token=s3cret-t0ken", null).statusCode());
            assertEquals(200, send(port, "GET", "/api/view", "s3cret-t0ken").statusCode());
        }
    }

    @Test
    void aViewThatCannotBeReadIsA503WithTheReason() throws Exception {
        try (DashboardServer server = new DashboardServer(new InetSocketAddress("127.0.0.1", 0), Optional.empty(), () -> {
            throw new java.io.IOException("state.json is being replaced");
        })) {
            server.start();
            HttpResponse<String> r = send(server.port(), "GET", "/api/view", null);
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("state.json is being replaced"), r.body());
        }
    }
}

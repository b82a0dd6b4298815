package dev.chrunbook.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code chrunbook serve --port 0} as its own process, its address as it prints it, and its view as JSON. */
public final class ServedDashboard implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("on (http://127\\.0\\.0\\.1:\\d+/)");

    private final Process process;
    private final String base;

    private ServedDashboard(Process process, String base) {
        this.process = process;
        this.base = base;
    }

    /** Starts serve on a free port (its output in {@code log}) and waits until it says where it listens. */
    public static ServedDashboard start(Path log, Path runbook, List<String> common) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar"), "serve", runbook.toString(), "--port", "0"));
        cmd.addAll(common);
        Process serve = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String[] found = {null};
        Waits.until(() -> {
            Matcher m = URL.matcher(read(log));
            found[0] = m.find() ? m.group(1) : null;
            return found[0] != null || !serve.isAlive();
        }, Duration.ofSeconds(60), "serve prints its address");
        assertTrue(found[0] != null, read(log));
        return new ServedDashboard(serve, found[0]);
    }

    public String base() {
        return base;
    }

    /** The page's data, as the page fetches it. */
    public JsonNode view() {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/view")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The page's DOM after its scripts ran, as headless Chromium serializes it (scratch files in {@code tmp}). */
    public String dom(Path tmp) throws Exception {
        return chromium(tmp, "--virtual-time-budget=3000", "--dump-dom", base);
    }

    /** Headless Chromium (scripts/browser installs it) with these arguments; what it prints. */
    public static String chromium(Path tmp, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium")));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "dom", ".html");
        Path log = tmp.resolve("chromium.log");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium ends");
        assertEquals(0, p.exitValue(), read(log));
        return Files.readString(out);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}

package dev.chrunbook.clickhouse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens JDBC sessions. First asks the node its version and time zone over plain HTTP (which every
 * server version answers the same way), then configures the driver for that server.
 */
public final class JdbcConnector implements ClickHouseConnector {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcConnector.class);

    private final Credentials credentials;
    private final boolean tls;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Version and time zone per node: asked once per run, not once per connection. */
    private final Map<String, String> probed = new ConcurrentHashMap<>();

    public JdbcConnector(Credentials credentials, boolean tls) {
        this.credentials = credentials;
        this.tls = tls;
    }

    @Override
    public ClickHouseClient connect(String host, int httpPort) {
        String base = (tls ? "https" : "http") + "://" + host + ":" + httpPort;
        String[] versionAndZone = probed.computeIfAbsent(base, this::probe).split("\t");
        ServerVersion version = ServerVersion.parse(versionAndZone[0]);
        String zone = versionAndZone.length > 1 ? versionAndZone[1].trim() : "UTC";
        try {
            Connection c = new com.clickhouse.jdbc.ClickHouseDriver().connect(
                    "jdbc:clickhouse:" + base + "/default", DriverProfile.properties(credentials, version, zone));
            LOG.debug("connected to {} (ClickHouse {}, {})", base, version, zone);
            return new JdbcClickHouseClient(c, version, host + ":" + httpPort);
        } catch (SQLException e) {
            throw new ClickHouseException("cannot connect to " + host + ":" + httpPort + ": " + e.getMessage(), e, true);
        }
    }

    private String probe(String base) {
        String query = URLEncoder.encode("SELECT version(), timezone()", StandardCharsets.UTF_8);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + "/?query=" + query))
                .timeout(Duration.ofSeconds(10)).GET();
        String auth = credentials.user() + ":" + credentials.password();
        req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
        try {
            HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new ClickHouseException(base + " answered HTTP " + resp.statusCode() + ": "
                        + resp.body().strip(), null, false);
            }
            return resp.body().strip();
        } catch (IOException e) {
            throw new ClickHouseException("cannot reach " + base + ": " + describe(e), e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseException("interrupted while connecting to " + base, e, true);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName() + " (connection refused or closed)";
    }
}

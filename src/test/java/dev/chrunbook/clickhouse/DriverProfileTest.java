package dev.chrunbook.clickhouse;

import com.clickhouse.client.http.config.ClickHouseHttpOption;
import com.clickhouse.client.http.config.HttpConnectionProvider;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DriverProfileTest {

    /** A class each of the driver's HTTP transports needs; Apache's is left out of chrunbook's jar. */
    private static String classOf(HttpConnectionProvider provider) {
        return switch (provider) {
            case APACHE_HTTP_CLIENT -> "org.apache.hc.client5.http.impl.classic.CloseableHttpClient";
            case HTTP_CLIENT -> "java.net.http.HttpClient";
            case HTTP_URL_CONNECTION -> "java.net.HttpURLConnection";
        };
    }

    @Test
    void theDriversHttpTransportIsOneWhoseClassesAreThere() {
        Properties p = DriverProfile.properties(new Credentials("default", ""), ServerVersion.parse("18.16.1"), "UTC");
        String named = p.getProperty(ClickHouseHttpOption.CONNECTION_PROVIDER.getKey());
        HttpConnectionProvider provider = named == null
                ? (HttpConnectionProvider) ClickHouseHttpOption.CONNECTION_PROVIDER.getDefaultValue()
                : HttpConnectionProvider.valueOf(named);
        // a missing one cost every statement a failed class load and a fallback
        assertDoesNotThrow(() -> Class.forName(classOf(provider)), provider + " is not on the class path");
        assertEquals(HttpConnectionProvider.HTTP_URL_CONNECTION, provider);
    }
}

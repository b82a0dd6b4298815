package dev.chrunbook.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** One statement exactly as it is sent to a node, with the checksum that detects drift. */
public record RenderedStatement(String sql, String checksum) {

    public static RenderedStatement of(String sql) {
        return new RenderedStatement(sql, sha256(sql));
    }

    static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}

package dev.chrunbook.transfer;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.state.SourceRange;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where a copy from another cluster stands, as one opaque token: every row before its position
 * (team, day, piece of a day, in the source's sort-key order) is in the target on every shard.
 * Given to a fresh state ({@code --set cursor=TOKEN}), the copy starts there.
 */
public final class Cursor {
    private static final String PREFIX = "c1.";

    private Cursor() {
    }

    /** The token of a position. */
    public static String of(SourceRange at) {
        String raw = at.team() + "." + at.fromDay() + "." + at.piece() + "." + at.pieces();
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    /** The token once everything is copied. */
    public static final String END = "c1.end";

    /**
     * The position a token names; empty for none (a blank token starts at the beginning).
     *
     * @throws ChrunbookException (input) naming the token's field when it is not a cursor chrunbook printed
     */
    public static Optional<SourceRange> parse(String token, String field) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        String t = token.trim();
        if (t.equals(END)) {
            throw ChrunbookException.invalidInput(field + ": cursor " + END + " means the copy ended; nothing is left to copy from it");
        }
        try {
            if (!t.startsWith(PREFIX)) {
                throw new IllegalArgumentException("no " + PREFIX + " prefix");
            }
            String[] f = new String(Base64.getUrlDecoder().decode(t.substring(PREFIX.length())), StandardCharsets.US_ASCII).split("\\.");
            if (f.length != 4) {
                throw new IllegalArgumentException(f.length + " fields");
            }
            long day = Long.parseLong(f[1]);
            return Optional.of(new SourceRange(Long.parseLong(f[0]), day, day + 1, Integer.parseInt(f[2]), Integer.parseInt(f[3])));
        } catch (IllegalArgumentException e) {
            throw ChrunbookException.invalidInput(field + ": '" + t + "' is not a cursor chrunbook printed (" + e.getMessage()
                    + "); give the token from a run's output or status, or leave it empty to start at the beginning");
        }
    }
}

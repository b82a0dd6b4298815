package dev.chrunbook.clickhouse;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's error codes chrunbook acts on, by number (the same from 18.16 to 26.x), read once
 * from the message's "Code: N" here instead of matching message text where they are handled.
 */
public enum ServerError {
    /** A column added that the table has already. */
    DUPLICATE_COLUMN(44),
    /** CREATE of a table that exists. */
    TABLE_ALREADY_EXISTS(57),
    /** A replicated ALTER applied here but not yet on every replica when its wait ran out. */
    UNFINISHED(341),
    /** The statement was killed (KILL QUERY). */
    QUERY_WAS_CANCELLED(394),
    /** ZooKeeper or Keeper did not answer (18.16 says "Coordination::Exception"). */
    KEEPER_EXCEPTION(999);

    private static final Pattern CODE = Pattern.compile("Code: (\\d+)");

    private final int code;

    ServerError(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The first "Code: N" of a server's message, when it names one of these. */
    public static Optional<ServerError> in(String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher m = CODE.matcher(message);
        if (!m.find()) {
            return Optional.empty();
        }
        int n = Integer.parseInt(m.group(1));
        return Arrays.stream(values()).filter(e -> e.code == n).findFirst();
    }

    public boolean in(ClickHouseException e) {
        return in(e.getMessage()).orElse(null) == this;
    }
}

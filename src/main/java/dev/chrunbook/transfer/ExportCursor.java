package dev.chrunbook.transfer;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.state.SourceRange;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Where an export to an ingestion endpoint stands, as one opaque token: every event of the team's
 * earlier days, and of its day up to the position, is acknowledged. In time order the position is
 * the last (time, uuid) sent; in pieces it is the last piece of the day.
 */
public final class ExportCursor {
    public static final String END = "h1.end";
    private static final String PREFIX = "h1.";

    private ExportCursor() {
    }

    /** A position in a team's day: after (time, id), or after piece {@code piece} of {@code pieces}. */
    public record Position(long team, long day, String time, String id, int piece, int pieces) {
        static Position time(SourceRange day, String time, String id) {
            return new Position(day.team(), day.fromDay(), time, id, -1, 0);
        }

        static Position piece(SourceRange day, int piece, int pieces) {
            return new Position(day.team(), day.fromDay(), null, null, piece, pieces);
        }

        boolean timeOrdered() {
            return time != null;
        }

        /** As the ledger keeps it. */
        String encode() {
            return timeOrdered() ? "t|" + team + "|" + day + "|" + time + "|" + id : "p|" + team + "|" + day + "|" + piece + "|" + pieces;
        }

        static Position decode(String text) {
            String[] f = text.split("\\|", -1);
            if (f.length != 5 || !(f[0].equals("t") || f[0].equals("p"))) {
                throw new IllegalArgumentException("not a position: " + text);
            }
            long team = Long.parseLong(f[1]);
            long day = Long.parseLong(f[2]);
            if (f[0].equals("t")) {
                // a DateTime64 prints its fraction (PostHog's timestamp: DateTime64(6, 'UTC')); the time is the column's own text
                if (!f[3].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?") || !f[4].matches("[0-9A-Za-z_.:-]{1,64}")) {
                    throw new IllegalArgumentException("a time position needs yyyy-MM-dd HH:mm:ss[.ffffff] and an id: " + text);
                }
                return new Position(team, day, f[3], f[4], -1, 0);
            }
            return new Position(team, day, null, null, Integer.parseInt(f[3]), Integer.parseInt(f[4]));
        }

        public String token() {
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(encode().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * This shard's position in a cursor: on a cluster of several shards a cursor names each shard's
     * ({@code 1:<token>,2:<token>}, as each shard's run prints its own; {@code 2:} starts that shard at
     * the beginning); on one shard it is the token alone.
     */
    public static Optional<Position> forShard(String cursor, int shard, int shards, String field) {
        if (cursor == null || cursor.isBlank()) {
            return Optional.empty();
        }
        if (!cursor.contains(":")) {
            if (shards > 1) {
                throw ChrunbookException.invalidInput(field + ": the export runs on " + shards + " shards, each with its own position:"
                        + " give N:token for each (1:h1...,2:h1...), from the cursor lines each shard printed");
            }
            return parse(cursor, field);
        }
        java.util.Map<Integer, String> tokens = forShardsGiven(cursor, field);
        if (!tokens.containsKey(shard)) {
            throw ChrunbookException.invalidInput(field + ": it names shards " + tokens.keySet() + " but not shard " + shard
                    + ": add " + shard + ":<its last printed cursor>, or " + shard + ": to start it at the beginning");
        }
        return parse(tokens.get(shard), field + " (shard " + shard + ")");
    }

    /** Refuses a cursor that is not one token or a list of N:token, checking every token. */
    public static void check(String cursor, String field) {
        if (cursor != null && cursor.contains(":")) {
            forShardsGiven(cursor, field);
        } else {
            parse(cursor, field);
        }
    }

    private static java.util.Map<Integer, String> forShardsGiven(String cursor, String field) {
        java.util.Map<Integer, String> tokens = new java.util.TreeMap<>();
        for (String part : cursor.split(",")) {
            String[] kv = part.trim().split(":", 2);
            if (kv.length != 2 || !kv[0].trim().matches("\\d{1,4}")) {
                throw ChrunbookException.invalidInput(field + ": '" + part.trim() + "' is not N:token (a shard number and its cursor)");
            }
            parse(kv[1], field + " (shard " + kv[0].trim() + ")"); // every shard's token is checked, whichever shard runs
            tokens.put(Integer.parseInt(kv[0].trim()), kv[1].trim());
        }
        return tokens;
    }

    /** A position as the run prints it: with its shard where the export runs on several. */
    public static String printed(Position position, int shard, int shards) {
        return shards > 1 ? shard + ":" + position.token() : position.token();
    }

    /** The position a token names; empty for a blank token (start at the beginning). */
    public static Optional<Position> parse(String token, String field) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        String t = token.trim();
        if (t.equals(END)) {
            throw ChrunbookException.invalidInput(field + ": cursor " + END + " means the export ended; nothing is left to send after it");
        }
        try {
            if (!t.startsWith(PREFIX)) {
                throw new IllegalArgumentException("no " + PREFIX + " prefix");
            }
            return Optional.of(Position.decode(new String(Base64.getUrlDecoder().decode(t.substring(PREFIX.length())), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            throw ChrunbookException.invalidInput(field + ": '" + t + "' is not an export cursor chrunbook printed (" + e.getMessage()
                    + "; expected " + PREFIX + "<base64 of t|team|day|yyyy-MM-dd HH:mm:ss[.ffffff]|id, or p|team|day|piece|pieces>);"
                    + " give the token from a run's output, or leave it empty to start at the beginning");
        }
    }
}

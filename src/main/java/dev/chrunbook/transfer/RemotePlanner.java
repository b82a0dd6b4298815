package dev.chrunbook.transfer;

import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.SourceRange;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans the chunks of a copy from another cluster from the source's rows per team and day:
 * consecutive days of a team go together up to {@code fetchLimit} rows, across target partitions
 * (an index range of the sort key {@code (team, toDate(time), ...)}, read without sorting); a day
 * over the limit is cut into pieces by its ids' hash modulo the number of pieces, which puts every
 * row in exactly one piece.
 */
final class RemotePlanner {
    /** The rows of a team's day. */
    record Day(long team, long day, long rows) {
    }

    private final long fetchLimit;

    RemotePlanner(long fetchLimit) {
        this.fetchLimit = Math.max(1, fetchLimit);
    }

    /** A node's chunks, from the source's rows per team and day that its filter selects; {@code from}: as below. */
    List<ChunkState> plan(dev.chrunbook.clickhouse.ClickHouseClient client, RemoteSql sql, SourceRange from) {
        List<Day> days = new ArrayList<>();
        for (List<String> r : client.select(sql.plan(from))) {
            days.add(new Day(Long.parseLong(r.get(0)), Long.parseLong(r.get(1)), Long.parseLong(r.get(2))));
        }
        return plan(days, from);
    }

    /** @param from a cursor: nothing before it is planned (the days come from its day on) */
    List<ChunkState> plan(List<Day> days, SourceRange from) {
        List<ChunkState> chunks = new ArrayList<>();
        Day first = null;
        Day last = null;
        long rows = 0;
        for (Day d : days) {
            boolean big = d.rows() > fetchLimit;
            boolean joins = first != null && !big && d.team() == first.team() && rows + d.rows() <= fetchLimit;
            if (!joins && first != null) {
                chunks.add(ChunkState.planned(chunks.size() + 1, label(first.team()), SourceRange.days(first.team(), first.day(),
                        last.day() + 1), rows));
                first = null;
                rows = 0;
            }
            if (big) {
                int pieces = (int) Math.min(10_000, (d.rows() + fetchLimit - 1) / fetchLimit);
                boolean resumed = from != null && from.team() == d.team() && from.fromDay() == d.day() && from.pieces() == pieces;
                for (int i = resumed ? from.piece() : 0; i < pieces; i++) {
                    chunks.add(ChunkState.planned(chunks.size() + 1, label(d.team()), new SourceRange(d.team(), d.day(), d.day() + 1, i,
                            pieces), d.rows() / pieces));
                }
                continue;
            }
            if (first == null) {
                first = d;
            }
            last = d;
            rows += d.rows();
        }
        if (first != null) {
            chunks.add(ChunkState.planned(chunks.size() + 1, label(first.team()), SourceRange.days(first.team(), first.day(),
                    last.day() + 1), rows));
        }
        return chunks;
    }

    /** What the ledger's partition field holds for a chunk of a team (the chunk may span partitions of the target). */
    static String label(long team) {
        return "team" + (team < 0 ? "-" : "") + Math.abs(team);
    }
}

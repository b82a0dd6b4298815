package dev.chrunbook.clickhouse;

import java.util.List;

/** A small query result with its column names, e.g. the problem rows of an assert. */
public record Table(List<String> columns, List<List<String>> rows) {

    /** Column-aligned text, at most {@code maxRows} rows, for messages and the state. */
    public String format(int maxRows) {
        int[] width = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            width[i] = columns.get(i).length();
        }
        List<List<String>> shown = rows.subList(0, Math.min(maxRows, rows.size()));
        for (List<String> r : shown) {
            for (int i = 0; i < r.size() && i < width.length; i++) {
                width[i] = Math.max(width[i], String.valueOf(r.get(i)).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, columns, width);
        shown.forEach(r -> line(sb, r, width));
        if (rows.size() > shown.size()) {
            sb.append("  ... ").append(rows.size() - shown.size()).append(" more row(s)\n");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        sb.append(' ');
        for (int i = 0; i < cells.size() && i < width.length; i++) {
            sb.append(' ').append(String.format("%-" + width[i] + "s", cells.get(i)));
        }
        sb.append('\n');
    }
}

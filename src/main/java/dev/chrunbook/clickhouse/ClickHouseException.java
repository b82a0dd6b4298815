package dev.chrunbook.clickhouse;

/** A statement failed on a node: carries the server's message (e.g. "Code: 46 ... Unknown function"). */
public class ClickHouseException extends RuntimeException {
    private final boolean connectionLost;

    public ClickHouseException(String message, Throwable cause, boolean connectionLost) {
        super(message, cause);
        this.connectionLost = connectionLost;
    }

    /** True when the node could not be reached or the connection broke: the statement may still run there. */
    public boolean connectionLost() {
        return connectionLost;
    }
}

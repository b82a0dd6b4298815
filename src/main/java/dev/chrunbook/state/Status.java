package dev.chrunbook.state;

/** Where one step stands on one node. */
public enum Status {
    PENDING, RUNNING, DONE, FAILED, SKIPPED;

    /** Done or skipped: nothing left to do on that node. */
    public boolean complete() {
        return this == DONE || this == SKIPPED;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

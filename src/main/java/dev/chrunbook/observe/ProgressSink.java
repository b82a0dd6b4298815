package dev.chrunbook.observe;

/** Where progress snapshots go: terminal bars, plain lines, JSON events, or nowhere. */
public interface ProgressSink {
    ProgressSink NONE = new ProgressSink() {
        @Override
        public void update(ProgressSnapshot snapshot) {
        }

        @Override
        public void finished(String queryId) {
        }
    };

    void update(ProgressSnapshot snapshot);

    /** The statement ended; its bar or line goes. */
    void finished(String queryId);
}

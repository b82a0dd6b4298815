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

    /** Both sinks get every snapshot (a terminal's bars and the live file, say). */
    static ProgressSink both(ProgressSink first, ProgressSink second) {
        return new ProgressSink() {
            @Override
            public void update(ProgressSnapshot snapshot) {
                first.update(snapshot);
                second.update(snapshot);
            }

            @Override
            public void finished(String queryId) {
                first.finished(queryId);
                second.finished(queryId);
            }
        };
    }

    void update(ProgressSnapshot snapshot);

    /** The statement ended; its bar or line goes. */
    void finished(String queryId);
}

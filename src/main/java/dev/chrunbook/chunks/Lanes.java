package dev.chrunbook.chunks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Lanes of work side by side: the same loop on n daemon threads, waited for together. */
public final class Lanes {
    /** One lane's loop. */
    public interface Work {
        void run() throws InterruptedException;
    }

    private Lanes() {
    }

    /** Runs {@code work} on {@code n} threads at once and waits for all; what a lane threw goes to {@code failed}. */
    public static void run(int n, String name, Work work, Consumer<String> failed) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, n), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> lanes = new ArrayList<>();
            for (int i = 0; i < Math.max(1, n); i++) {
                lanes.add(pool.submit(() -> {
                    work.run();
                    return null;
                }));
            }
            for (Future<?> lane : lanes) {
                try {
                    lane.get();
                } catch (ExecutionException e) {
                    failed.accept(String.valueOf(e.getCause().getMessage()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A helper of a copy: one daemon thread that runs what it is given in order (checks, assembly, a second fingerprint). */
    public static ExecutorService helper(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Helpers of a copy: {@code n} daemon threads that run what they are given. */
    public static ExecutorService helpers(int n, String name) {
        return Executors.newFixedThreadPool(Math.max(1, n), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** What a helper computed, with the failure it threw (a ClickHouseException, say) as the caller's own. */
    public static <T> T joined(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}

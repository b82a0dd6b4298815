package dev.chrunbook.transfer;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.observe.ExecutionListener;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Pages on their way to the endpoint: at most {@code parallel} between the recorded position and
 * the newest page sent (a new one waits for a slot, which bounds memory and what a kill repeats),
 * acknowledged to the caller strictly in order, so that a position is recorded only once every page
 * before it is in. The first refusal stops the rest.
 */
final class PageQueue implements AutoCloseable {
    record Page(byte[] body, int events, ExportCursor.Position position) {
    }

    record Acked(ExportCursor.Position position, int events, int tries) {
    }

    private final HttpExport.Spec spec;
    private final ExecutionListener listener;
    private final Consumer<Acked> onAcked;
    private final Semaphore slots;
    private final ExecutorService senders;
    private final Map<Integer, Acked> ended = new HashMap<>();
    private int next;
    private int nextAck;
    private int tries;
    private volatile RuntimeException failure;

    PageQueue(HttpExport.Spec spec, ExecutionListener listener, Consumer<Acked> onAcked) {
        this.spec = spec;
        this.listener = listener;
        this.onAcked = onAcked;
        this.slots = new Semaphore(Math.max(1, spec.parallel()));
        this.senders = Executors.newFixedThreadPool(Math.max(1, spec.parallel()), r -> {
            Thread t = new Thread(r, "chrunbook-" + spec.step().id() + "-send");
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends the page once a slot is free; false when an earlier page was refused (nothing more is sent). */
    boolean submit(Page page) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = ChrunbookException.stepFailed("interrupted while pages were in flight");
            return false;
        }
        if (failure != null) {
            slots.release();
            return false;
        }
        int seq = next++;
        senders.submit(() -> {
            try {
                int t = spec.sender().send(page.body(), why -> listener.waiting(spec.step(), spec.node(), "page " + (seq + 1)
                        + " of " + page.position().token() + ": " + why));
                ended(seq, new Acked(page.position(), page.events(), t));
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
                slots.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                slots.release();
            }
        });
        return true;
    }

    private synchronized void ended(int seq, Acked acked) {
        ended.put(seq, acked);
        while (ended.containsKey(nextAck)) {
            Acked a = ended.remove(nextAck++);
            tries += a.tries();
            onAcked.accept(a);
            slots.release(); // a slot frees only once its page is in the cursor: at most parallel pages lie beyond it
        }
    }

    boolean failed() {
        return failure != null;
    }

    synchronized int pages() {
        return nextAck;
    }

    synchronized int tries() {
        return tries;
    }

    /** Waits for the pages in flight; rethrows the first refusal. */
    @Override
    public void close() {
        senders.shutdown();
        try {
            while (!senders.awaitTermination(1, TimeUnit.SECONDS)) {
                // pages still in flight are let finish: each is acknowledged or refused
            }
        } catch (InterruptedException e) {
            senders.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}

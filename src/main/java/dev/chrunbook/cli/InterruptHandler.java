package dev.chrunbook.cli;

import dev.chrunbook.ExitCode;
import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.state.StateLock;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.Console;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ctrl-C during a run: detach (leave the statements running on the servers; the state already says
 * so, and a later run reattaches) or cancel (KILL QUERY each running statement; the run then ends
 * with those nodes failed, saying what partial data is left).
 */
final class InterruptHandler implements AutoCloseable {
    private final Phaser inFlight = new Phaser(1);
    private SignalHandler previous;

    private InterruptHandler() {
    }

    static InterruptHandler install(InterruptChoice choice, Cancellations cancellations, StateLock lock, PrintWriter err) {
        InterruptHandler h = new InterruptHandler();
        h.previous = Signal.handle(new Signal("INT"), signal -> {
            h.inFlight.register();
            try {
                h.handle(choice, cancellations, lock, err);
            } finally {
                h.inFlight.arriveAndDeregister();
            }
        });
        return h;
    }

    private void handle(InterruptChoice choice, Cancellations cancellations, StateLock lock, PrintWriter err) {
        InterruptChoice what = choice == InterruptChoice.ask ? ask(err) : choice;
        if (what == InterruptChoice.cancel) {
            err.println("cancelling: sending KILL QUERY for every running statement...");
            err.flush();
            List<String> killed = cancellations.cancelAll();
            err.println("cancelled: " + (killed.isEmpty() ? "nothing was running" : String.join(", ", killed)));
            err.flush();
        } else {
            err.println("detached: statements keep running on the servers. Run the same command again to"
                    + " reattach; nothing is sent twice.");
            err.flush();
            lock.close();
            Runtime.getRuntime().halt(ExitCode.STEP_FAILED.code());
        }
    }

    private static InterruptChoice ask(PrintWriter err) {
        Console console = System.console();
        if (console == null) {
            return InterruptChoice.detach;
        }
        err.flush();
        String answer = console.readLine("%nInterrupted. [d]etach (statements keep running, reattach later) or"
                + " [c]ancel (KILL QUERY them)? ");
        return answer != null && answer.strip().toLowerCase().startsWith("c") ? InterruptChoice.cancel : InterruptChoice.detach;
    }

    /** Restores the previous handler once a cancel under way has said what it killed. */
    @Override
    public void close() {
        try {
            inFlight.awaitAdvanceInterruptibly(inFlight.arrive(), 60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            // a KILL QUERY that hangs for a minute: report what we have
        }
        Signal.handle(new Signal("INT"), previous);
    }
}

package dev.chrunbook.cli;

import dev.chrunbook.ExitCode;
import dev.chrunbook.exec.Cancellations;
import dev.chrunbook.state.StateLock;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.Console;
import java.io.PrintWriter;
import java.util.List;

/**
 * Ctrl-C during a run: detach (leave the statements running on the servers; the state already says
 * so, and a later run reattaches) or cancel (KILL QUERY each running statement; the run then ends
 * with those nodes failed, saying what partial data is left).
 */
final class InterruptHandler implements AutoCloseable {
    private final SignalHandler previous;

    private InterruptHandler(SignalHandler previous) {
        this.previous = previous;
    }

    static InterruptHandler install(InterruptChoice choice, Cancellations cancellations, StateLock lock, PrintWriter err) {
        SignalHandler handler = signal -> {
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
        };
        return new InterruptHandler(Signal.handle(new Signal("INT"), handler));
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

    @Override
    public void close() {
        Signal.handle(new Signal("INT"), previous);
    }
}

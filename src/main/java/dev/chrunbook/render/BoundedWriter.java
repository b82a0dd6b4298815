package dev.chrunbook.render;

import java.io.IOException;
import java.io.Writer;

/** A writer that refuses to hold more than a limit: a runaway template fails instead of filling memory. */
final class BoundedWriter extends Writer {
    /** Thrown when the limit is passed. */
    static final class Overflow extends IOException {
        Overflow() {
            super("output limit reached");
        }
    }

    private final Writer out;
    private final long limit;
    private long written;

    BoundedWriter(Writer out, long limit) {
        this.out = out;
        this.limit = limit;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        written += len;
        if (written > limit) {
            throw new Overflow();
        }
        out.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

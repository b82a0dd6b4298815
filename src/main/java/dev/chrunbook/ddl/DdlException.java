package dev.chrunbook.ddl;

/** A definition chrunbook cannot read or cannot rewrite as asked; the message says which part. */
public final class DdlException extends RuntimeException {
    public DdlException(String message) {
        super(message);
    }
}

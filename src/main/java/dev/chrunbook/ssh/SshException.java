package dev.chrunbook.ssh;

/** An SSH connection or remote command that failed; the message names the host and the fix. */
public final class SshException extends RuntimeException {
    public SshException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.chrunbook;

/**
 * A failure the operator must act on: carries the exit code and a message that says how to
 * proceed. Anything else escaping a command is an internal error (exit 5).
 */
public class ChrunbookException extends RuntimeException {
    private final ExitCode exitCode;

    public ChrunbookException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ChrunbookException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static ChrunbookException invalidInput(String message) {
        return new ChrunbookException(ExitCode.INVALID_INPUT, message);
    }

    public static ChrunbookException stateConflict(String message) {
        return new ChrunbookException(ExitCode.STATE_CONFLICT, message);
    }

    public static ChrunbookException stepFailed(String message) {
        return new ChrunbookException(ExitCode.STEP_FAILED, message);
    }

    public static ChrunbookException verificationFailed(String message) {
        return new ChrunbookException(ExitCode.VERIFICATION_FAILED, message);
    }

    /** A value from input as a message shows it: quoted, control bytes escaped, cut after 80 characters. */
    public static String shown(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder("'");
        value.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        int n = value.codePointCount(0, value.length());
        sb.append(n > 80 ? "...' (" + n + " characters)" : "'");
        return sb.toString();
    }
}

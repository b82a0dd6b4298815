package dev.chrunbook;

/** The process exit codes chrunbook promises; scripts around it branch on these. */
public enum ExitCode {
    OK(0),
    STEP_FAILED(1),
    INVALID_INPUT(2),
    STATE_CONFLICT(3),
    VERIFICATION_FAILED(4),
    INTERNAL(5);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}

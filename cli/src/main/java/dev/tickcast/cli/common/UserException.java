package dev.tickcast.cli.common;

/** A failure caused by what the user gave (file, option, data), reported as one line with what to do. */
public final class UserException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public UserException(String message) {
        this(message, 2);
    }

    public UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

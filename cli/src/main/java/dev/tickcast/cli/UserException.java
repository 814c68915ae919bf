package dev.tickcast.cli;

/** A failure caused by what the user gave (file, option, data), reported as one line with what to do. */
final class UserException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int exitCode;

    UserException(String message) {
        this(message, 2);
    }

    UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}

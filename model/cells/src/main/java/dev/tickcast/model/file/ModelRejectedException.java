package dev.tickcast.model.file;

/** A model that must not serve, with the check it failed. */
public final class ModelRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Which verification failed; the name is the dead letter's detail prefix and a metric label. */
    public enum Check {
        UNREADABLE,
        /** A model or control of a model line the job does not serve. */
        LINE,
        VERSION,
        FEATURES,
        SHAPE,
        CHECKSUM,
        NOT_FINITE,
        SIGNATURE,
        /** A control issued no later than the last one applied: an old control sent again. */
        REPLAY,
        /** A pin of a version the job does not hold, or of a challenger not promoted. */
        PIN,
        /** A second challenger while one is open, or a decision about a version that is not a challenger. */
        CHALLENGE,
        /** Routes that cannot be read, or that would route to more model lines than a job serves. */
        ROUTES
    }

    private final Check check;

    public ModelRejectedException(Check check, String message) {
        super(check + ": " + message);
        this.check = check;
    }

    public Check check() {
        return check;
    }
}

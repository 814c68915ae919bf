package dev.tickcast.job.serving;

import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.model.file.ModelRejectedException.Check;

/** What a record of the models topic did to what serves: applied, nothing (the newest model sent again), or refused. */
public sealed interface ModelVerdict {

    ModelVerdict APPLIED = new Applied();
    ModelVerdict UNCHANGED = new Unchanged();

    /** A model accepted, or a control applied. */
    record Applied() implements ModelVerdict {}

    /** The newest held model delivered again (e.g. by {@code --model} and the topic both): harmless, not refused. */
    record Unchanged() implements ModelVerdict {}

    /** @param reason for people and the dead letter, starting with the check's name */
    record Refused(Check check, String reason) implements ModelVerdict {
        static Refused of(ModelRejectedException e) {
            return new Refused(e.check(), e.getMessage());
        }

        static Refused of(Check check, String detail) {
            return new Refused(check, check + ": " + detail);
        }
    }
}

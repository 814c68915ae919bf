package dev.tickcast.model.data;

import dev.tickcast.schema.DeadLetterReason;

/**
 * Why a tick was not used.
 *
 * @param reason the dead letter's reason
 * @param detail what was wrong, for people
 */
public record TickRejection(DeadLetterReason reason, String detail) {

    @Override
    public String toString() {
        return reason + ": " + detail;
    }
}

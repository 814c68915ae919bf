package dev.tickcast.model.data;

/**
 * Why a tick was not used.
 *
 * @param reason dead-letter reason code (see {@link TickRules})
 * @param detail what was wrong, for people
 */
public record TickRejection(String reason, String detail) {

    @Override
    public String toString() {
        return reason + ": " + detail;
    }
}

package dev.tickcast.job.operator;

import dev.tickcast.schema.internal.EvidenceBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * One forecast subtask's evidence about the challenger, summed until it goes to the referee as an
 * {@link EvidenceBatch}: every {@link #BATCH} evaluations, when the champion or challenger changes, and on the
 * operator's flush timer. What is not sent yet at a checkpoint is kept in operator state, so no evidence is lost or
 * counted twice across a restart.
 */
final class EvidenceBuffer {

    static final int BATCH = 512;

    private final String line;
    private EvidenceBatch open;
    private final List<EvidenceBatch> ready = new ArrayList<>();

    EvidenceBuffer(String line) {
        this.line = line;
    }

    /**
     * Adds one tick's evidence.
     *
     * @param lossDifference NaN: no evaluation of both forecasts on this tick
     * @param joined whether the symbol started running the challenger on this tick
     */
    void add(long champion, long challenger, double lossDifference, boolean joined, long eventTimeMs) {
        boolean scored = !Double.isNaN(lossDifference);
        if (!scored && !joined) {
            return;
        }
        if (open != null && (open.getChampionVersion() != champion || open.getChallengerVersion() != challenger)) {
            close();
        }
        if (open == null) {
            open = new EvidenceBatch(line, challenger, champion, 0L, 0L, 0.0, 0.0, Long.MIN_VALUE);
        }
        if (scored) {
            open.setEvaluations(open.getEvaluations() + 1);
            open.setSum(open.getSum() + lossDifference);
            open.setSumSquares(open.getSumSquares() + lossDifference * lossDifference);
        }
        if (joined) {
            open.setNewSymbols(open.getNewSymbols() + 1);
        }
        open.setLastEventTime(Math.max(open.getLastEventTime(), eventTimeMs));
        if (open.getEvaluations() >= BATCH) {
            close();
        }
    }

    /** Batches restored from a checkpoint, to be sent first. */
    void restore(Iterable<EvidenceBatch> batches) {
        for (EvidenceBatch b : batches) {
            ready.add(b);
        }
    }

    boolean isEmpty() {
        return open == null && ready.isEmpty();
    }

    /** The full batches, taken; with {@code all}, the open one too. */
    List<EvidenceBatch> take(boolean all) {
        if (all) {
            close();
        }
        List<EvidenceBatch> out = new ArrayList<>(ready);
        ready.clear();
        return out;
    }

    /** Everything not sent yet, for the checkpoint (the buffer keeps it: sending it is still to come). */
    List<EvidenceBatch> unsent() {
        List<EvidenceBatch> out = new ArrayList<>(ready);
        if (open != null) {
            out.add(EvidenceBatch.newBuilder(open).build());
        }
        return out;
    }

    private void close() {
        if (open != null) {
            ready.add(open);
            open = null;
        }
    }
}

package dev.tickcast.job.operator;

import dev.tickcast.schema.internal.EvidenceBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One forecast subtask's evidence about each line's challenger, summed until it goes to the referee as an
 * {@link EvidenceBatch}: every {@link #BATCH} evaluations, when the champion or challenger changes, and on the
 * operator's flush timer. What is not sent yet at a checkpoint is kept in operator state, so no evidence is lost or
 * counted twice across a restart.
 */
final class EvidenceBuffer {

    static final int BATCH = 512;

    /** Per line, the batch being summed. */
    private final Map<String, EvidenceBatch> open = new LinkedHashMap<>();

    private final List<EvidenceBatch> ready = new ArrayList<>();

    /**
     * Adds one tick's evidence.
     *
     * @param lossDifference NaN: no evaluation of both forecasts on this tick
     * @param joined whether the symbol started running the challenger on this tick
     */
    void add(String line, long champion, long challenger, double lossDifference, boolean joined, long eventTimeMs) {
        boolean scored = !Double.isNaN(lossDifference);
        if (!scored && !joined) {
            return;
        }
        EvidenceBatch open = this.open.get(line);
        if (open != null && (open.getChampionVersion() != champion || open.getChallengerVersion() != challenger)) {
            close(line);
            open = null;
        }
        if (open == null) {
            open = new EvidenceBatch(line, challenger, champion, 0L, 0L, 0.0, 0.0, Long.MIN_VALUE);
            this.open.put(line, open);
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
            close(line);
        }
    }

    /** Batches restored from a checkpoint, to be sent first. */
    void restore(Iterable<EvidenceBatch> batches) {
        for (EvidenceBatch b : batches) {
            ready.add(b);
        }
    }

    boolean isEmpty() {
        return open.isEmpty() && ready.isEmpty();
    }

    /** The full batches, taken; with {@code all}, the open one too. */
    List<EvidenceBatch> take(boolean all) {
        if (all) {
            ready.addAll(open.values());
            open.clear();
        }
        List<EvidenceBatch> out = new ArrayList<>(ready);
        ready.clear();
        return out;
    }

    /** Everything not sent yet, for the checkpoint (the buffer keeps it: sending it is still to come). */
    List<EvidenceBatch> unsent() {
        List<EvidenceBatch> out = new ArrayList<>(ready);
        for (EvidenceBatch batch : open.values()) {
            out.add(EvidenceBatch.newBuilder(batch).build());
        }
        return out;
    }

    private void close(String line) {
        EvidenceBatch batch = open.remove(line);
        if (batch != null) {
            ready.add(batch);
        }
    }
}

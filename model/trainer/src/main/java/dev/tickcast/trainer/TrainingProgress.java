package dev.tickcast.trainer;

/** Callbacks while training runs, for progress bars and logs. */
public interface TrainingProgress {

    TrainingProgress SILENT = new TrainingProgress() {};

    default void epochStarted(int epoch, int epochs, int batches) {}

    default void batchDone(int epoch, int batch, double loss) {}

    default void epochDone(int epoch, double meanLoss) {}
}

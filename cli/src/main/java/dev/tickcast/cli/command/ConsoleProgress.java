package dev.tickcast.cli.command;

import dev.tickcast.trainer.TrainingProgress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** One progress bar per training epoch, with the running loss and ETA. */
public final class ConsoleProgress implements TrainingProgress, AutoCloseable {

    private ProgressBar bar;
    private double sum;

    @Override
    public void epochStarted(int epoch, int epochs, int batches) {
        sum = 0;
        bar = new ProgressBarBuilder()
                .setTaskName("epoch " + epoch + "/" + epochs)
                .setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" batches", 1)
                .continuousUpdate()
                .build();
    }

    @Override
    public void batchDone(int epoch, int batch, double loss) {
        sum += loss;
        bar.stepTo(batch);
        bar.setExtraMessage(String.format("loss %.4f", sum / batch));
    }

    @Override
    public void epochDone(int epoch, double meanLoss) {
        bar.setExtraMessage(String.format("loss %.4f", meanLoss));
        bar.close();
        bar = null;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}

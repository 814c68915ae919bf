package dev.tickcast.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tickcast.schema.CellType;
import dev.tickcast.schema.ModelUpdate;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The one way the job is built: what it needs, and initial models judged by the job's own admission rule. */
class ForecastJobBuilderTest {

    private static final ModelUpdate V1 = TestModels.update(1, CellType.LSTM, new int[] {4}, 3);

    @Test
    void aJobWithoutTicksOrASinkIsRefusedByName() {
        JobConfig config = JobConfig.fromArgs();
        assertThatThrownBy(() -> ForecastJob.builder(config).build()).hasMessage("the job needs a ticks source");
        assertThatThrownBy(() -> ForecastJob.onKafka(config).forecasts(null).build())
                .hasMessage("the job needs a forecasts sink");
    }

    @Test
    void anInitialModelOfAnotherLineFailsTheBuildNotTheRunningJob() {
        JobConfig config = JobConfig.fromArgs("--model-line", "crypto");
        assertThatThrownBy(() -> ForecastJob.onKafka(config)
                        .initialModels(List.of(TestModels.wire(V1)))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--model refused: LINE");
    }

    @Test
    void theKafkaJobHasEveryStageAndAModelsTopic() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ForecastJob.onKafka(JobConfig.fromArgs("--model-line", V1.getModelName()))
                .initialModels(List.of(TestModels.wire(V1)))
                .build()
                .attach(env);
        String plan = env.getExecutionPlan();
        assertThat(plan)
                .contains(
                        "decode and check ticks",
                        "decode models",
                        "\"forecast\"",
                        "forecasts",
                        "evaluations",
                        "dead letters")
                .doesNotContain("no models topic")
                .doesNotContain("event time");
    }

    @Test
    void aBoundedFeedHasNoModelsTopicAndTheKafkaJobLoadsItsModelFiles() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config = JobConfig.fromArgs("--model-line", V1.getModelName());
        ForecastJob.onKafka(config)
                .withoutModelsTopic()
                .initialModels(List.of(TestModels.wire(V1)))
                .build()
                .attach(env);
        assertThat(env.getExecutionPlan()).contains("no models topic");

        // Without initialModels(...), the config's --model files are read at build(): a missing one fails it.
        JobConfig withFile = JobConfig.fromArgs("--model", "/nonexistent/v9.avro");
        assertThatThrownBy(() -> ForecastJob.onKafka(withFile).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/nonexistent/v9.avro");
    }
}

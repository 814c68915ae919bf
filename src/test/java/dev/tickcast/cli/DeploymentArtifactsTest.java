package dev.tickcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tickcast.job.ClusterTuning;
import dev.tickcast.job.JobConfig;
import dev.tickcast.job.JobOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The deployment files that cannot run here (no Docker, no Kubernetes) are checked against the build: the
 * Dockerfiles copy files the build produces and name main classes those files hold; the k8s/ manifests parse
 * with the operator's and fabric8's classes, and every argument they pass to the job or the trainer is an
 * option that program knows, with a value it accepts.
 */
class DeploymentArtifactsTest {

    private static final Path ROOT = Files.isDirectory(Path.of("../deploy")) ? Path.of("..") : Path.of(".");
    private static final KubernetesSerialization K8S = new KubernetesSerialization();

    @Test
    void jobImageCopiesTheShadedJarWithItsMainClassAndNoNd4j() throws IOException {
        List<String> lines = instructions(ROOT.resolve("deploy/Dockerfile"));
        assertThat(lines.get(0)).matches("FROM flink:2\\.2[^ ]*java17");
        String[] copy = only(lines, "COPY ").split("\\s+");
        Path jar = onlyMatch(copy[copy.length - 2]);
        assertThat(copy[copy.length - 1]).isEqualTo("/opt/flink/usrlib/tickcast-job.jar");
        String main = word(only(lines, "CMD "), "--job-classname");
        assertThat(main).isEqualTo(JobSpecs.ENTRY_CLASS);
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getEntry(main.replace('.', '/') + ".class"))
                    .as("%s in %s", main, jar)
                    .isNotNull();
            assertThat(j.stream()
                            .map(e -> e.getName())
                            .filter(n -> n.startsWith("org/nd4j/")
                                    || n.startsWith("org/deeplearning4j/")
                                    || n.startsWith("org/bytedeco/")))
                    .as("DL4J/ND4J in the job jar")
                    .isEmpty();
        }
    }

    @Test
    void trainerImageCopiesTheCliJarWithItsMainClassAndItsRuntimeJars() throws IOException {
        List<String> lines = instructions(ROOT.resolve("deploy/Dockerfile.trainer"));
        String build = only(lines, "RUN mvn");
        assertThat(build)
                .contains("package")
                .contains("-pl cli")
                .contains("dependency:copy-dependencies")
                .contains("-DincludeScope=runtime")
                .contains("-DoutputDirectory=target/lib");
        List<String> copies =
                lines.stream().filter(l -> l.startsWith("COPY --from=build")).toList();
        assertThat(copies).anySatisfy(c -> assertThat(c).contains("/src/cli/target/lib/ /opt/tickcast/lib/"));
        String jarCopy =
                copies.stream().filter(c -> c.contains(".jar")).findFirst().orElseThrow();
        Path cliJar = onlyMatch(jarCopy.split("\\s+")[2].replaceFirst("^/src/", ""));
        String entrypoint = only(lines, "ENTRYPOINT ");
        Matcher m = Pattern.compile("\"-cp\", \"/opt/tickcast/lib/\\*\", \"([\\w.]+)\"")
                .matcher(entrypoint);
        assertThat(m.find())
                .as("ENTRYPOINT with -cp /opt/tickcast/lib/* and a main class: %s", entrypoint)
                .isTrue();
        try (JarFile j = new JarFile(cliJar.toFile())) {
            assertThat(j.getEntry(m.group(1).replace('.', '/') + ".class"))
                    .as("%s in %s", m.group(1), cliJar)
                    .isNotNull();
        }
        assertThat(m.group(1)).isEqualTo(TickcastCli.class.getName());
    }

    @Test
    void flinkDeploymentRunsTheImagesJarWithKnownJobOptionsAndSavepointUpgrades() throws IOException {
        String yaml = Files.readString(ROOT.resolve("k8s/flink-deployment.yaml"));
        // operator-api 1.10.0 (the newest on Maven Central) lists FlinkVersion only up to v1_20; Flink 2 needs v2_x.
        Matcher version = Pattern.compile("(?m)^  flinkVersion: (v2_\\d+)\\s*$").matcher(yaml);
        assertThat(version.find()).as("spec.flinkVersion v2_x").isTrue();
        FlinkDeployment deployment = K8S.unmarshal(version.replaceFirst(""), FlinkDeployment.class);

        JobSpec job = deployment.getSpec().getJob();
        assertThat(job.getJarURI()).isEqualTo("local:///opt/flink/usrlib/tickcast-job.jar");
        assertThat(job.getEntryClass()).isEqualTo(JobSpecs.ENTRY_CLASS);
        assertThat(job.getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        assertThat(job.getParallelism()).isPositive();
        JobConfig config = JobConfig.fromArgs(job.getArgs()); // throws on an unknown option or a bad value
        assertThat(config.exactlyOnce()).isTrue();
        Map<String, String> settings = configMap().getData();
        assertThat(config.bootstrap()).isEqualTo(settings.get("TICKCAST_BOOTSTRAP"));
        assertThat(config.ticksTopic()).isEqualTo(settings.get("TICKCAST_TICKS_TOPIC"));
        assertThat(config.modelsTopic()).isEqualTo(settings.get("TICKCAST_MODELS_TOPIC"));

        Map<String, String> flink = deployment.getSpec().getFlinkConfiguration();
        assertThat(flink)
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsKeys(
                        "execution.checkpointing.dir",
                        "execution.checkpointing.savepoint-dir",
                        "high-availability.type",
                        "high-availability.storageDir");
        assertThat(MemorySize.parse(flink.get("taskmanager.memory.segment-size")))
                .isEqualTo(ClusterTuning.NETWORK_BUFFER_SIZE);
        assertThat(deployment.getSpec().getJobManager().getResource().getMemory())
                .isNotBlank();
        assertThat(deployment.getSpec().getTaskManager().getResource().getMemory())
                .isNotBlank();
        // The volume holding those directories is the claim of storage.yaml.
        PersistentVolumeClaim claim =
                K8S.unmarshal(Files.readString(ROOT.resolve("k8s/storage.yaml")), PersistentVolumeClaim.class);
        assertThat(deployment.getSpec().getPodTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getPersistentVolumeClaim().getClaimName())
                        .isEqualTo(claim.getMetadata().getName()));
        assertThat(claim.getSpec().getAccessModes()).contains("ReadWriteMany");
        // Signing is on: the trusted key is a file of a Secret volume mounted in the Flink containers.
        var pod = deployment.getSpec().getPodTemplate().getSpec();
        assertThat(config.trustedKeys()).hasSize(1);
        var keysMount = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> config.trustedKeys().get(0).startsWith(m.getMountPath() + "/"))
                .findFirst()
                .orElseThrow();
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(keysMount.getName());
            assertThat(v.getSecret().getSecretName()).isEqualTo("tickcast-model-keys");
        });
    }

    @Test
    void standaloneClusterUsesTheNetworkBufferSizeTheMiniClustersUse() throws IOException {
        Matcher m = Pattern.compile("(?m)^taskmanager\\.memory\\.segment-size:\\s*(\\S+)\\s*$")
                .matcher(Files.readString(ROOT.resolve("deploy/conf/config.yaml")));
        assertThat(m.find())
                .as("taskmanager.memory.segment-size in deploy/conf/config.yaml")
                .isTrue();
        assertThat(MemorySize.parse(m.group(1))).isEqualTo(ClusterTuning.NETWORK_BUFFER_SIZE);
    }

    @Test
    void trainerCronJobPassesOnlyOptionsTheTrainCommandKnows() throws IOException {
        CronJob cron = K8S.unmarshal(Files.readString(ROOT.resolve("k8s/trainer-cronjob.yaml")), CronJob.class);
        var container = cron.getSpec()
                .getJobTemplate()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(container.getEnvFrom())
                .anySatisfy(e -> assertThat(e.getConfigMapRef().getName())
                        .isEqualTo(configMap().getMetadata().getName()));
        assertThat(cron.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        // Kubernetes expands $(NAME) from the container's environment before the program sees its arguments.
        Map<String, String> env = configMap().getData();
        List<String> args =
                container.getArgs().stream().map(a -> expand(a, env)).toList();
        CommandLine.ParseResult parsed =
                TickcastCli.commandLine().parseArgs(args.toArray(new String[0])); // throws on unknown options
        CommandLine.ParseResult train = parsed.subcommand();
        assertThat(train.commandSpec().name()).isEqualTo("train");
        assertThat(train.hasMatchedOption("--publish")).isTrue();
        assertThat((String) train.matchedOptionValue("--from-topic", null)).isEqualTo(env.get("TICKCAST_TICKS_TOPIC"));
        assertThat((String) train.matchedOptionValue("--bootstrap", null)).isEqualTo(env.get("TICKCAST_BOOTSTRAP"));
        // It signs with a key from a Secret volume, and reads a bounded stretch of the ticks topic.
        java.nio.file.Path key = train.matchedOptionValue("--signing-key", null);
        assertThat(key).isNotNull();
        var keysMount = container.getVolumeMounts().stream()
                .filter(m -> key.startsWith(m.getMountPath()))
                .findFirst()
                .orElseThrow();
        assertThat(cron.getSpec()
                        .getJobTemplate()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getVolumes())
                .anySatisfy(v -> {
                    assertThat(v.getName()).isEqualTo(keysMount.getName());
                    assertThat(v.getSecret().getSecretName()).isEqualTo("tickcast-signing-key");
                });
        assertThat(train.hasMatchedOption("--since")).isTrue();
    }

    @Test
    void topicsAreTheJobsWithACompactedModelsTopicAndUnlimitedRetention() throws IOException {
        List<GenericKubernetesResource> topics = new ArrayList<>();
        for (String doc : Files.readString(ROOT.resolve("k8s/topics.yaml")).split("(?m)^---$")) {
            topics.add(K8S.unmarshal(doc, GenericKubernetesResource.class));
        }
        assertThat(topics).allSatisfy(t -> {
            assertThat(t.getApiVersion()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(t.getKind()).isEqualTo("KafkaTopic");
            assertThat(t.getMetadata().getLabels()).containsKey("strimzi.io/cluster");
        });
        Map<String, Map<String, Object>> configs =
                topics.stream().collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> config(t)));
        assertThat(configs.keySet())
                .containsExactlyInAnyOrderElementsOf(Stream.of(
                                JobOptions.TICKS_TOPIC,
                                JobOptions.MODELS_TOPIC,
                                JobOptions.FORECASTS_TOPIC,
                                JobOptions.EVALUATIONS_TOPIC,
                                JobOptions.DEAD_LETTERS_TOPIC)
                        .map(o -> o.defaultValue())
                        .toList());
        assertThat(configs.get(JobOptions.MODELS_TOPIC.defaultValue())).containsEntry("cleanup.policy", "compact");
        for (var option : List.of(
                JobOptions.TICKS_TOPIC,
                JobOptions.FORECASTS_TOPIC,
                JobOptions.EVALUATIONS_TOPIC,
                JobOptions.DEAD_LETTERS_TOPIC)) {
            assertThat(configs.get(option.defaultValue()))
                    .as(option.defaultValue())
                    .containsEntry("retention.ms", -1);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(GenericKubernetesResource topic) {
        return (Map<String, Object>)
                ((Map<String, Object>) topic.getAdditionalProperties().get("spec")).get("config");
    }

    private static ConfigMap configMap() throws IOException {
        return K8S.unmarshal(Files.readString(ROOT.resolve("k8s/config.yaml")), ConfigMap.class);
    }

    private static String expand(String arg, Map<String, String> env) {
        Matcher m = Pattern.compile("\\$\\((\\w+)\\)").matcher(arg);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            assertThat(env).as("$(%s) is set in k8s/config.yaml", m.group(1)).containsKey(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(env.get(m.group(1))));
        }
        return m.appendTail(sb).toString();
    }

    /** Dockerfile instructions, continuation lines joined, comments dropped. */
    private static List<String> instructions(Path dockerfile) throws IOException {
        String text =
                Files.readString(dockerfile).replaceAll("(?m)^\\s*#.*\\n", "").replaceAll("\\\\\\n\\s*", " ");
        return Arrays.stream(text.split("\\n"))
                .map(String::trim)
                .filter(l -> !l.isEmpty())
                .toList();
    }

    private static String only(List<String> lines, String prefix) {
        List<String> found = lines.stream().filter(l -> l.startsWith(prefix)).toList();
        assertThat(found).as("instructions starting with '%s'", prefix).hasSize(1);
        return found.get(0);
    }

    private static String word(String line, String after) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(after) + "\", \"([^\"]+)\"")
                .matcher(line);
        assertThat(m.find()).as("%s in %s", after, line).isTrue();
        return m.group(1);
    }

    /** The one file of the build output matching a Dockerfile source path (globs allowed). */
    private static Path onlyMatch(String glob) throws IOException {
        Path dir = ROOT.resolve(glob).getParent();
        PathMatcher matcher = FileSystems.getDefault()
                .getPathMatcher("glob:" + ROOT.resolve(glob).getFileName());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found =
                    files.filter(f -> matcher.matches(f.getFileName())).toList();
            assertThat(found)
                    .as("build output matching %s ('mvn package' makes it)", glob)
                    .hasSize(1);
            return found.get(0);
        }
    }

    /** What the job's deployments name as its entry point. */
    private static final class JobSpecs {
        static final String ENTRY_CLASS = dev.tickcast.job.TickcastJob.class.getName();
    }
}

package dev.tickcast.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The few calls of Flink's REST API that submitting and stopping the job needs (the same API the web UI and
 * {@code flink run} use), over the JDK's HTTP client. Works against any Flink 2.x session cluster.
 */
public final class FlinkRest {

    /** A job as the cluster lists it. */
    public record Job(String id, String name, String state) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String baseUrl) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    }

    /**
     * Uploads the jar and runs its main class with the arguments, at the given parallelism (the REST path
     * ignores parallelism.default, so it is always explicit), optionally from a savepoint; returns the job id.
     * The uploaded jar is deleted from the cluster afterwards: the running job keeps its own copy.
     */
    public String submit(Path jar, String entryClass, List<String> args, int parallelism, String savepoint)
            throws IOException {
        String jarId = upload(jar);
        try {
            ObjectNode run = JSON.createObjectNode();
            run.put("entryClass", entryClass);
            run.putPOJO("programArgsList", args);
            run.put("parallelism", parallelism);
            if (savepoint != null) {
                run.put("savepointPath", savepoint);
                run.put("allowNonRestoredState", false);
            }
            return call(
                            "POST",
                            "jars/" + jarId + "/run",
                            HttpRequest.BodyPublishers.ofString(run.toString()),
                            "application/json")
                    .path("jobid")
                    .asText();
        } finally {
            call("DELETE", "jars/" + jarId, HttpRequest.BodyPublishers.noBody(), null);
        }
    }

    /** Every job the cluster knows, running or finished. */
    public List<Job> jobs() throws IOException {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode j : get("jobs/overview").path("jobs")) {
            jobs.add(new Job(
                    j.path("jid").asText(),
                    j.path("name").asText(),
                    j.path("state").asText()));
        }
        return jobs;
    }

    public String state(String jobId) throws IOException {
        return get("jobs/" + jobId).path("state").asText();
    }

    /** The highest parallelism among the job's vertices (its operators run at most this wide). */
    public int parallelism(String jobId) throws IOException {
        int max = 0;
        for (JsonNode v : get("jobs/" + jobId).path("vertices")) {
            max = Math.max(max, v.path("parallelism").asInt());
        }
        return max;
    }

    /** How often the job has restarted after failures (Flink's numRestarts metric). */
    public long restarts(String jobId) throws IOException {
        for (JsonNode m : get("jobs/" + jobId + "/metrics?get=numRestarts")) {
            return m.path("value").asLong();
        }
        return 0;
    }

    /**
     * Resource ids of the TaskManagers running subtasks of the job's vertices whose name contains {@code vertexName}.
     */
    public java.util.Set<String> taskManagersOf(String jobId, String vertexName) throws IOException {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (JsonNode vertex : get("jobs/" + jobId).path("vertices")) {
            if (vertex.path("name").asText().contains(vertexName)) {
                for (JsonNode tm : get("jobs/" + jobId + "/vertices/"
                                + vertex.path("id").asText() + "/taskmanagers")
                        .path("taskmanagers")) {
                    ids.add(tm.path("taskmanager-id").asText());
                }
            }
        }
        return ids;
    }

    /** Number of completed checkpoints of the job so far. */
    public long completedCheckpoints(String jobId) throws IOException {
        return get("jobs/" + jobId + "/checkpoints")
                .path("counts")
                .path("completed")
                .asLong();
    }

    /**
     * Stops the job with a savepoint in {@code directory} (null: the cluster's savepoint directory); returns its path.
     */
    public String stopWithSavepoint(String jobId, String directory, Duration timeout) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        if (directory != null) {
            body.put("targetDirectory", directory);
        }
        body.put("drain", false);
        body.put("formatType", "CANONICAL");
        String trigger = call(
                        "POST",
                        "jobs/" + jobId + "/stop",
                        HttpRequest.BodyPublishers.ofString(body.toString()),
                        "application/json")
                .path("request-id")
                .asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IOException("stop with savepoint failed: "
                            + operation
                                    .path("failure-cause")
                                    .path("stack-trace")
                                    .asText()
                                    .lines()
                                    .findFirst()
                                    .orElse("?")
                            + " (the job keeps running; see the JobManager log)");
                }
                return operation.path("location").asText();
            }
            sleep(250);
        }
        throw new IOException("the savepoint of job " + jobId + " did not complete within " + timeout
                + "; check the job's checkpoints in the web UI");
    }

    public void cancel(String jobId) throws IOException {
        call("PATCH", "jobs/" + jobId + "?mode=cancel", HttpRequest.BodyPublishers.noBody(), null);
    }

    private String upload(Path jar) throws IOException {
        String boundary = "tickcast-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer = call(
                "POST",
                "jars/upload",
                HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()),
                "multipart/form-data; boundary=" + boundary);
        String stored = answer.path("filename").asText();
        return stored.substring(stored.lastIndexOf('/') + 1);
    }

    private JsonNode get(String path) throws IOException {
        return call("GET", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    private JsonNode call(String method, String path, HttpRequest.BodyPublisher body, String contentType)
            throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(2))
                .method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException(
                    "no Flink REST API at " + base + " (start one with 'tickcast cluster start', or pass --rest URL)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String text = response.body();
        if (response.statusCode() >= 300) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + errors(text));
        }
        return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    }

    /** Flink answers {"errors": [...]}, the first line of which is the useful part (often a whole stack trace). */
    private static String errors(String text) {
        try {
            JsonNode errors = JSON.readTree(text).path("errors");
            List<String> lines = new ArrayList<>();
            for (JsonNode e : errors) {
                e.asText()
                        .lines()
                        .filter(l -> l.contains("Exception") || l.contains("Caused by"))
                        .limit(4)
                        .forEach(lines::add);
                if (lines.isEmpty()) {
                    lines.add(e.asText().lines().findFirst().orElse(""));
                }
            }
            return lines.isEmpty() ? text : String.join(" | ", lines);
        } catch (IOException e) {
            return text;
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}

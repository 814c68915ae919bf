/**
 * The Flink job's topology and configuration: {@link dev.tickcast.job.TickcastJob} (the entry point),
 * {@link dev.tickcast.job.ForecastJob} (the topology, built on Kafka or on given sources and sinks),
 * {@link dev.tickcast.job.Backfill}, {@link dev.tickcast.job.JobConfig} and its options.
 *
 * <p>Below it, by role: {@code operator} (the functions that run per record), {@code serving} (which models may serve
 * and which one does), {@code io} (formats and Kafka record (de)serializers), {@code types} (the type information and
 * serializers of streams and state). Each depends only on the ones after it; the topology on all of them.
 */
package dev.tickcast.job;

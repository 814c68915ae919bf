/**
 * The tickcast topics as the commands use them: one client factory ({@link dev.tickcast.cli.kafka.KafkaConnection}),
 * topic creation, bounded reads, the models topic's replay and publishing, tick producing, records as JSON.
 */
package dev.tickcast.cli.kafka;

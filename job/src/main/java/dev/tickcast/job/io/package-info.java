/** Bytes in and out: Kafka record (de)serializers, the tick CSV format of backfills, Avro file parts. */
package dev.tickcast.job.io;

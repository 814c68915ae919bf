/** The local Flink cluster of {@code cluster start}, the demo's MiniCluster, and Flink's REST API. */
package dev.tickcast.cli.cluster;

/** The forecast report: its data (from Kafka topics or backtest files), its charts and its HTML page. */
package dev.tickcast.cli.report;

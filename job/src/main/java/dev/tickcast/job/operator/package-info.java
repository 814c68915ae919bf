/**
 * The job's functions: decoding and checking ticks and model records, the keyed forecast operator (one recurrent step
 * per tick, in keyed state), dead letters with their reasons, and the migration of older builds' state.
 */
package dev.tickcast.job.operator;

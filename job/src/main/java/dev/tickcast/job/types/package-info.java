/**
 * Type information of every stream and state of the job, and the hand-written serializers of the per-symbol state and
 * of the ticks across the keyBy (never a Kryo fallback).
 */
package dev.tickcast.job.types;

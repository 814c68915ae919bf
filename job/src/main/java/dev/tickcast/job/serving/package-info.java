/**
 * Model serving: which records of the models topic may change what serves ({@link
 * dev.tickcast.job.serving.ModelAdmission}: line, version step, signature), the registry of held models and which one
 * serves a tick ({@link dev.tickcast.job.serving.ServingModels}), model files given at start, trusted keys.
 */
package dev.tickcast.job.serving;

/**
 * The warm pool's published language: its settings ({@link dev.faas.actors.warm.PoolSettings}),
 * its figures ({@link dev.faas.actors.warm.PoolStats}) and who is told them ({@link
 * dev.faas.actors.warm.PoolListener}). The node configures the pool and reads its figures through
 * these alone; the pool itself ({@code dev.faas.actors.worker.pool}) is the worker's, and only the
 * worker speaks to it.
 */
package dev.faas.actors.warm;

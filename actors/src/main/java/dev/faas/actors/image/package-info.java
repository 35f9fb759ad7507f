/**
 * Ports of the image supply: resolving a function's reference to what it runs ({@link
 * dev.faas.actors.image.ImageResolver}), the policy that decides where images come from, and
 * users' registry credentials. The implementations (registry HTTP, encryption, the KV store) live
 * in the {@code registry} and {@code nats-bridge} modules.
 */
package dev.faas.actors.image;

/**
 * The NATS side of the platform: one jnats connection per node and the key-value stores on it.
 *
 * <p>Only this package imports {@code io.nats}. Its entry point is {@link
 * dev.faas.nats.NatsBridge#connect}, which returns at once and becomes ready in the background;
 * the stores it hands out implement the ports of {@code dev.faas.actors.store}.
 *
 * <ul>
 *   <li>Values are JSON (camelCase, ISO-8601 instants), except config values, which are the
 *       caller's bytes.
 *   <li>Keys are built only from names {@code dev.faas.actors.model.Names} accepts: a key is a
 *       NATS subject, and a dot or wildcard in a name would reach into other keys.
 *   <li>Creates and updates are compare-and-set on the entry's revision; JetStream's "wrong last
 *       sequence" (10071) becomes {@code AlreadyExists} or {@code RevisionConflict}, anything
 *       else {@code Unavailable}.
 *   <li>Watches are re-created after every reconnect and deliver the whole bucket again: jnats'
 *       own watch recovers from a server restart only after its heartbeat alarm, about 30 s.
 * </ul>
 */
package dev.faas.nats;

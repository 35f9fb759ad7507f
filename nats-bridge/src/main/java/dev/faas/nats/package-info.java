/**
 * The NATS side of the platform: one jnats connection per node, the key-value stores and the
 * activation transport on it.
 *
 * <p>Only this package imports {@code io.nats}. Its entry point is {@link
 * dev.faas.nats.NatsBridge#connect}, which returns at once and becomes ready in the background;
 * the stores it hands out implement the ports of {@code dev.faas.actors.store}, the transport
 * those of {@code dev.faas.actors.activation}.
 *
 * <h2>Key-value stores</h2>
 *
 * <ul>
 *   <li>Values are JSON (camelCase, ISO-8601 instants), except config values, which are the
 *       caller's bytes, and activation records (below).
 *   <li>Keys are built only from names {@code dev.faas.actors.model.Names} accepts: a key is a
 *       NATS subject, and a dot or wildcard in a name would reach into other keys.
 *   <li>Creates and updates are compare-and-set on the entry's revision; JetStream's "wrong last
 *       sequence" (10071) becomes {@code AlreadyExists} or {@code RevisionConflict}, anything
 *       else {@code Unavailable}.
 *   <li>Registry credentials ({@code registries}) are keyed {@code <owner>.<host>} with the host
 *       in base64url without padding (a host has dots and maybe a colon); their passwords arrive
 *       sealed, and the bucket never sees one in clear.
 *   <li>Watches are re-created after every reconnect and deliver the whole bucket again: jnats'
 *       own watch recovers from a server restart only after its heartbeat alarm, about 30 s.
 * </ul>
 *
 * <h2>Activation transport</h2>
 *
 * <ul>
 *   <li>Admission: the work-queue stream {@code ACTIVATIONS} (subject {@code
 *       faas.activations.submit}, file storage, discard-new) holds at most {@code maxConcurrent}
 *       messages: that bound IS the cluster-wide permit. A message stays until its worker acks
 *       it (the activation is over) or terms it (dropped unrun); a publish refused for the bound
 *       is the 429. Every node sets the bound to its own setting on each (re)connect, so every
 *       node must be configured with the same {@code FAAS_MAX_CONCURRENT}: lowering it makes the
 *       server discard the oldest queued requests over the new bound.
 *   <li>Workers pull from the durable consumer {@code workers} (explicit acks, a short ack wait,
 *       unlimited deliveries). A worker that dies holding a message loses it after the ack wait;
 *       the next worker gets it with a delivery count of 2 and drops it, so nothing runs twice
 *       and no place leaks. Runners report progress to keep their messages.
 *   <li>Replies travel on core NATS to {@code faas.reply.<nodeId>.<activationId>}; each API node
 *       has one subscription on {@code faas.reply.<nodeId>.*}. Workers announce themselves on
 *       {@code faas.workers.heartbeat} with {@code {"workerId","freeSlots"}}.
 *   <li>Outages (docs/decisions/0009): an API node's queue reports its link (connected, and a
 *       count of every loss and return) so that a worker's silence during an outage is not taken
 *       for a lost worker. Nothing is re-created after a server restart on the same store:
 *       jnats renews subscriptions, pull contexts keep working, and what was published while
 *       disconnected is sent on reconnect.
 *   <li>Errors of a submit: JetStream API error 10077 whose description is "maximum messages
 *       exceeded" is {@code AdmissionRefused.Full}; not connected (answered at once), no answer
 *       within the request timeout, no responders (no stream) and every other error are {@code
 *       AdmissionRefused.Unavailable}.
 * </ul>
 *
 * <h2>Binary-safe wire formats</h2>
 *
 * Parameters and results are bytes, up to 1 MiB, that must arrive exactly. They never go through
 * JSON or base64: the rest of the value is ASCII-only JSON (every non-ASCII and control character
 * escaped), and the bytes travel beside it.
 *
 * <ul>
 *   <li>Request: header {@code Faas-Request} holds the request without {@code input}; the body is
 *       the input.
 *   <li>Worker event: header {@code Faas-Event} holds the event with a {@code type} ({@code
 *       accepted}, {@code heartbeat}, {@code completed}, {@code dropped}); for {@code completed}
 *       the record comes without {@code result}, and the body is the result.
 *   <li>Activation record in the {@code activations} bucket: the record without {@code result}
 *       as one line of JSON, a LF, then the result.
 * </ul>
 *
 * <h2>Message size</h2>
 *
 * A 1 MiB parameter or result plus its JSON does not fit NATS' default max payload of 1 MB. The
 * project's servers run with {@code max_payload: 8MB}; at each connect the bridge warns when the
 * server allows less than 2 MiB. On such a server a record that does not fit is stored with its
 * result truncated and {@code "resultTruncated":true} in its JSON, a request that does not fit is
 * refused as unavailable, and a completed event that does not fit is replaced by a platform
 * error (its caller is told rather than left waiting).
 */
package dev.faas.nats;

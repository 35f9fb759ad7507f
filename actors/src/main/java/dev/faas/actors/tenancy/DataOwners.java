package dev.faas.actors.tenancy;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Which user ids own data that a node does not hold in memory (registry credentials, activation
 * records): what the {@link OrphanJanitor} compares with the users. Functions and API keys it
 * finds in the node's own caches.
 */
public interface DataOwners {

  /**
   * The user ids with such data, each with the kinds found ({@code "registry credentials"},
   * {@code "activation records"}). Its cost grows with the number of owners and credentials, not
   * with the number of records; every call to the store has a deadline.
   */
  CompletionStage<Map<String, Set<String>>> owners();
}

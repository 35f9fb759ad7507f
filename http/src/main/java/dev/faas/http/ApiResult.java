package dev.faas.http;

/**
 * What an operation of the API came to, before it is HTTP. {@link Responses} turns each into a
 * status code and headers, in one place.
 */
sealed interface ApiResult {
  /** A new resource; answered 201 with its {@code Location} and {@code ETag} when it has one. */
  record Created(Object body, String location, Long revision) implements ApiResult {}

  /** A read or an update; answered 200, with an {@code ETag} when the resource has a revision. */
  record Ok(Object body, Long revision) implements ApiResult {}

  /** A delete; answered 204. */
  record Deleted() implements ApiResult {}

  /** A write with nothing to show back (write-only secrets); answered 204. */
  record Written() implements ApiResult {}

  /**
   * The forward-auth check passed; answered 200 with an empty body, {@code X-User} and {@code
   * X-User-Id}.
   */
  record Verified(String username, String userId) implements ApiResult {}

  /** Nothing there, or only something of another user's: answered 404 either way. */
  record Missing(String detail) implements ApiResult {}

  /** A create found the name taken; answered 409. */
  record Taken(String detail) implements ApiResult {}

  /** Concurrent writers kept winning an unconditional update; answered 409, retry. */
  record Contended(String detail) implements ApiResult {}

  /** {@code If-Match} named a revision that is not current; answered 412. */
  record Stale(String detail) implements ApiResult {}

  /** The request itself is wrong; answered 400. */
  record Invalid(String detail) implements ApiResult {}

  /**
   * 400 {@code image-unavailable}: the function's image cannot be had by its owner.
   *
   * @param reason {@code not-found}, {@code unauthorized}, {@code unreachable} or {@code
   *     not-allowed}
   */
  record ImageRefused(String reason, String detail) implements ApiResult {}

  /** 409 {@code limit-functions}: the caller has {@code FAAS_MAX_FUNCTIONS_PER_USER} functions. */
  record FunctionsLimit(String detail) implements ApiResult {}

  /** Unknown user or wrong password, deliberately indistinguishable; answered 401. */
  record BadCredentials() implements ApiResult {}
}

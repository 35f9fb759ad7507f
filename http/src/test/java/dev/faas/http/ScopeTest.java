package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.actors.model.ApiKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScopeTest {
  private static final ApiKey INVOKE_ALL = key(ApiKey.Scope.INVOKE, List.of());
  private static final ApiKey INVOKE_ECHO = key(ApiKey.Scope.INVOKE, List.of("echo"));
  private static final ApiKey MANAGE = key(ApiKey.Scope.MANAGE, List.of());

  @Test
  void aTokenMayCallEverything() {
    assertTrue(Scope.allows(null, "POST", "/v1/keys", Optional.empty()));
    assertTrue(Scope.allows(null, "DELETE", "/v1/users/me", Optional.empty()));
    assertTrue(Scope.allows(null, "PUT", "/v1/registries/{host}", Optional.empty()));
  }

  @Test
  void everyKeyMayVerify() {
    for (ApiKey key : List.of(INVOKE_ALL, INVOKE_ECHO, MANAGE)) {
      assertTrue(Scope.allows(key, "GET", "/v1/auth/verify", Optional.empty()));
    }
  }

  @Test
  void anInvokeKeyInvokesItsListedFunctionsOrAllWhenNoneAreListed() {
    assertTrue(Scope.allows(INVOKE_ALL, "POST", Scope.INVOKE_TEMPLATE, Optional.of("anything")));
    assertTrue(Scope.allows(INVOKE_ECHO, "POST", Scope.INVOKE_TEMPLATE, Optional.of("echo")));
    assertFalse(Scope.allows(INVOKE_ECHO, "POST", Scope.INVOKE_TEMPLATE, Optional.of("other")));
    assertFalse(Scope.allows(INVOKE_ECHO, "POST", Scope.INVOKE_TEMPLATE, Optional.empty()));
  }

  @Test
  void anInvokeKeyReadsActivationRecordsByIdOnly() {
    // Which records: only those it started, decided where the record is read.
    assertTrue(Scope.allows(INVOKE_ECHO, "GET", "/v1/activations/{id}", Optional.empty()));
    assertTrue(Scope.allows(INVOKE_ECHO, "GET", "/v1/activations", Optional.empty()));
  }

  @Test
  void anInvokeKeyReadsAndFollowsTheLogsOfWhatItStarted() {
    // Which ones: only those it started, decided by LiveLogRoutes (records and live messages).
    assertTrue(Scope.allows(INVOKE_ECHO, "GET", "/v1/activations/{id}/logs", Optional.empty()));
  }

  @Test
  void anInvokeKeyManagesNothing() {
    for (String[] call :
        List.of(
            new String[] {"POST", "/v1/functions"},
            new String[] {"GET", "/v1/functions"},
            new String[] {"GET", "/v1/functions/{name}"},
            new String[] {"PUT", "/v1/functions/{name}"},
            new String[] {"DELETE", "/v1/functions/{name}"},
            new String[] {"POST", "/v1/keys"},
            new String[] {"GET", "/v1/keys"},
            new String[] {"GET", "/v1/registries"},
            new String[] {"GET", "/v1/users/me"},
            new String[] {"DELETE", "/v1/users/me"})) {
      assertFalse(
          Scope.allows(INVOKE_ALL, call[0], call[1], Optional.of("echo")), String.join(" ", call));
    }
  }

  @Test
  void aManageKeyDoesWhatATokenDoesButKeysRegistriesAndTheUser() {
    assertTrue(Scope.allows(MANAGE, "POST", "/v1/functions", Optional.empty()));
    assertTrue(Scope.allows(MANAGE, "PUT", "/v1/functions/{name}", Optional.of("echo")));
    assertTrue(Scope.allows(MANAGE, "DELETE", "/v1/functions/{name}", Optional.of("echo")));
    assertTrue(Scope.allows(MANAGE, "POST", Scope.INVOKE_TEMPLATE, Optional.of("echo")));
    assertTrue(Scope.allows(MANAGE, "GET", "/v1/activations/{id}", Optional.empty()));
    assertTrue(Scope.allows(MANAGE, "GET", "/v1/users/me", Optional.empty()));
    assertFalse(Scope.allows(MANAGE, "POST", "/v1/keys", Optional.empty()));
    assertFalse(Scope.allows(MANAGE, "GET", "/v1/keys", Optional.empty()));
    assertFalse(Scope.allows(MANAGE, "DELETE", "/v1/keys/{id}", Optional.empty()));
    assertFalse(Scope.allows(MANAGE, "GET", "/v1/registries", Optional.empty()));
    assertFalse(Scope.allows(MANAGE, "PUT", "/v1/registries/{host}", Optional.empty()));
    assertFalse(Scope.allows(MANAGE, "DELETE", "/v1/users/me", Optional.empty()));
  }

  @Test
  void theRefusalIsInsufficientScope() {
    Problem problem = Scope.refused(INVOKE_ECHO);
    assertEquals(ProblemType.INSUFFICIENT_SCOPE.status(), problem.status());
  }

  @Test
  void aKeyStringNamesItsIdAndIsToldFromAToken() {
    KeySecrets.Fresh fresh = KeySecrets.generate();
    assertTrue(KeySecrets.looksLikeKey(fresh.key()));
    assertFalse(KeySecrets.looksLikeKey("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
    KeySecrets.Presented parsed = KeySecrets.parse(fresh.key()).orElseThrow();
    assertEquals(fresh.id(), parsed.id());
    assertTrue(KeySecrets.matches(parsed.secret(), fresh.secretHash()));
    assertFalse(KeySecrets.matches(parsed.secret() + "x", fresh.secretHash()));
    assertFalse(fresh.secretHash().contains(parsed.secret()));
    assertTrue(
        Authenticator.bearerToken("Bearer " + fresh.key()).isPresent(),
        "a key passes the bearer grammar");
    assertEquals(Optional.empty(), KeySecrets.parse("fk_nothex_" + parsed.secret()));
  }

  private static ApiKey key(ApiKey.Scope scope, List<String> functions) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return new ApiKey(
        "0123456789abcdef0000", "ann", "uid", "k", scope, functions, t, null, "00", null);
  }
}

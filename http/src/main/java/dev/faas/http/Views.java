package dev.faas.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.ImageState;
import dev.faas.actors.model.InputMode;
import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.CallbackSecretStore;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The JSON shapes the API answers with; field order is the order clients read them in. */
final class Views {
  private Views() {}

  /**
   * {@code GET} and {@code POST /v1/users/me/callback-secret}: the secret callbacks are signed
   * with, when it was made, and until when the one it replaced still signs alongside (null when
   * none does).
   */
  record CallbackSecretView(String secret, Instant createdAt, Instant previousSignsUntil) {
    static CallbackSecretView of(CallbackSecretStore.Secrets s) {
      return new CallbackSecretView(
          s.current(),
          s.rotatedAt(),
          s.previous() == null ? null : s.rotatedAt().plus(CallbackSecretStore.Secrets.OVERLAP));
    }
  }

  record UserView(String username, Instant createdAt) {
    static UserView of(User user) {
      return new UserView(user.username(), user.createdAt());
    }
  }

  /**
   * {@code GET /v1/users/me}: the user with their limits and what they use of them now.
   *
   * @param usage null when the activation queue could not be asked
   */
  record MeView(
      String username,
      Instant createdAt,
      Amounts limits,
      @JsonInclude(JsonInclude.Include.NON_NULL) Amounts usage) {}

  /** A number of concurrent activations and of functions. */
  record Amounts(int concurrent, int functions) {}

  record TokenView(String token, String tokenType, Instant expiresAt) {
    static TokenView of(IssuedToken issued) {
      return new TokenView(issued.token(), "Bearer", issued.expiresAt());
    }
  }

  record FunctionView(
      String name,
      String image,
      @JsonInclude(JsonInclude.Include.NON_NULL) String imageDigest,
      String status,
      @JsonInclude(JsonInclude.Include.NON_NULL) String statusDetail,
      int timeoutMs,
      int memoryMb,
      String description,
      Map<String, String> env,
      String inputMode,
      boolean network,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer maxConcurrency,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer retries,
      Instant createdAt,
      Instant updatedAt,
      long revision) {
    /**
     * The function, its image in {@code image} (its status as of now), shown at {@code revision}
     * ({@link Etags}: never the store's own revision).
     */
    static FunctionView of(Versioned<FunctionSpec> entry, ImageState image, long revision) {
      FunctionSpec f = entry.value();
      return new FunctionView(
          f.name(),
          f.image(),
          image.digest(),
          image.status().name().toLowerCase(Locale.ROOT),
          image.detail().isEmpty() ? null : image.detail(),
          f.timeoutMs(),
          f.memoryMb(),
          f.description(),
          new TreeMap<>(f.env()), // sorted, so the same function always reads the same
          f.inputMode() == InputMode.ARG ? "arg" : "stdin",
          f.network(),
          f.maxConcurrency() > 0 ? f.maxConcurrency() : null,
          f.retries() > 0 ? f.retries() : null,
          f.createdAt(),
          f.updatedAt(),
          revision);
    }
  }

  record FunctionList(List<FunctionView> functions) {}
}

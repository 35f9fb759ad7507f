package dev.faas.http;

import dev.faas.actors.image.RegistryCredentials;
import java.util.Comparator;
import java.util.concurrent.CompletionStage;

/**
 * Writing, listing and deleting one user's registry credentials. Write-only: nothing here ever
 * answers with a password. Every call names the caller as the owner, so another user's
 * credentials are never reached.
 */
final class RegistryOperations {
  private final RegistryCredentials registries;

  RegistryOperations(RegistryCredentials registries) {
    this.registries = registries;
  }

  CompletionStage<ApiResult> put(String owner, String host, RegistryLoginRequest request) {
    return registries
        .put(owner, request.toLogin(host))
        .thenApply(done -> new ApiResult.Written());
  }

  CompletionStage<ApiResult> list(String owner) {
    return registries
        .list(owner)
        .thenApply(
            entries ->
                new ApiResult.Ok(
                    new RegistryViews.RegistryList(
                        entries.stream()
                            .map(RegistryViews.RegistryView::of)
                            .sorted(Comparator.comparing(RegistryViews.RegistryView::host))
                            .toList()),
                    null));
  }

  CompletionStage<ApiResult> delete(String owner, String host) {
    return registries
        .delete(owner, host)
        .thenApply(
            existed ->
                existed
                    ? new ApiResult.Deleted()
                    : new ApiResult.Missing("no credentials stored for registry '" + host + "'"));
  }
}

package dev.faas.http;

import dev.faas.actors.image.RegistryCredentials;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writing, listing and deleting one user's registry credentials. Write-only: nothing here ever
 * answers with a password. Every call names the caller's user id as the owner, so another user's
 * credentials are never reached. A put re-reads the caller's user record once the credentials are
 * stored and takes them back when the user is gone (the same scheme as a function's create, see
 * {@link FunctionOperations}).
 */
final class RegistryOperations {
  private final RegistryCredentials registries;
  private final Lookups lookups;

  RegistryOperations(RegistryCredentials registries, Lookups lookups) {
    this.registries = registries;
    this.lookups = lookups;
  }

  CompletionStage<ApiResult> put(
      AuthenticatedUser caller, String host, RegistryLoginRequest request) {
    String owner = caller.userId();
    return registries
        .put(owner, request.toLogin(host))
        .thenCompose(done -> lookups.isRegistered(caller))
        .thenCompose(
            registered ->
                registered
                    ? CompletableFuture.<ApiResult>completedFuture(new ApiResult.Written())
                    : registries
                        .delete(owner, host)
                        .thenApply(
                            gone -> new ApiResult.Missing("the user no longer exists")));
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

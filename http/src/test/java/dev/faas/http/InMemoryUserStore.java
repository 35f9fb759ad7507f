package dev.faas.http;

import dev.faas.actors.model.User;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.UserStore;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A {@link UserStore} over {@link FakeKv}. */
final class InMemoryUserStore implements UserStore {
  final FakeKv<User> kv = new FakeKv<>();

  @Override
  public CompletionStage<Versioned<User>> create(User user) {
    return kv.async(() -> kv.create(user.username(), user));
  }

  @Override
  public CompletionStage<Optional<Versioned<User>>> get(String username) {
    return kv.async(() -> kv.get(username));
  }

  @Override
  public CompletionStage<Void> delete(String username) {
    return kv.async(
        () -> {
          kv.delete(username);
          return null;
        });
  }

  @Override
  public AutoCloseable watch(ChangeListener<User> listener) {
    return kv.watch(listener);
  }
}

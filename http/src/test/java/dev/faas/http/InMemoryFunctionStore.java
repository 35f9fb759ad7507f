package dev.faas.http;

import dev.faas.actors.model.FunctionSpec;
import dev.faas.actors.model.Versioned;
import dev.faas.actors.store.ChangeListener;
import dev.faas.actors.store.FunctionStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A {@link FunctionStore} over {@link FakeKv}, keyed {@code <owner>.<name>}. */
final class InMemoryFunctionStore implements FunctionStore {
  final FakeKv<FunctionSpec> kv = new FakeKv<>();

  @Override
  public CompletionStage<Versioned<FunctionSpec>> create(FunctionSpec function) {
    return kv.async(() -> kv.create(function.key(), function));
  }

  @Override
  public CompletionStage<Optional<Versioned<FunctionSpec>>> get(String owner, String name) {
    return kv.async(() -> kv.get(owner + "." + name));
  }

  @Override
  public CompletionStage<Versioned<FunctionSpec>> update(
      FunctionSpec function, long expectedRevision) {
    return kv.async(() -> kv.update(function.key(), function, expectedRevision));
  }

  @Override
  public CompletionStage<Boolean> delete(String owner, String name) {
    return kv.async(() -> kv.delete(owner + "." + name));
  }

  @Override
  public CompletionStage<List<Versioned<FunctionSpec>>> list(String owner) {
    return kv.async(() -> kv.withPrefix(owner + "."));
  }

  @Override
  public AutoCloseable watch(ChangeListener<FunctionSpec> listener) {
    return kv.watch(listener);
  }
}

package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code faas apply} must do to make the platform match a manifest: a pure comparison of
 * the wanted functions with those stored, so a second run over an unchanged file plans nothing.
 */
public record ApplyPlan(List<Change> changes, List<String> unchanged) {
  /** What is done to one function. */
  public enum Action { CREATE, UPDATE, DELETE }

  /** One field that differs: its stored value and the wanted one (null when absent). */
  public record FieldChange(String field, JsonNode from, JsonNode to) {}

  /**
   * One function's change.
   *
   * @param body the wanted function (null for a delete)
   * @param fields what differs (an update's; empty otherwise)
   */
  public record Change(Action action, String name, ObjectNode body, List<FieldChange> fields) {}

  /**
   * The plan for {@code wanted} (bodies with defaults, {@link Manifest}) against {@code stored}
   * (the functions as the API lists them); with {@code prune}, stored functions not wanted go.
   */
  public static ApplyPlan of(List<ObjectNode> wanted, JsonNode stored, boolean prune) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode f : stored) {
      byName.put(f.path("name").asText(), f);
    }
    List<Change> changes = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (ObjectNode want : wanted) {
      String name = want.path("name").asText();
      JsonNode have = byName.remove(name);
      if (have == null) {
        changes.add(new Change(Action.CREATE, name, want, List.of()));
        continue;
      }
      List<FieldChange> fields = differences(want, have);
      if (fields.isEmpty()) {
        unchanged.add(name);
      } else {
        changes.add(new Change(Action.UPDATE, name, want, fields));
      }
    }
    if (prune) {
      for (String name : byName.keySet()) {
        changes.add(new Change(Action.DELETE, name, null, List.of()));
      }
    }
    return new ApplyPlan(List.copyOf(changes), List.copyOf(unchanged));
  }

  /** The writable fields in which {@code have} differs from {@code want}. */
  public static List<FieldChange> differences(ObjectNode want, JsonNode have) {
    List<FieldChange> fields = new ArrayList<>();
    for (String field : FunctionOptions.WRITABLE) {
      JsonNode to = present(want.get(field));
      JsonNode from = present(have.get(field));
      if (!same(from, to)) {
        fields.add(new FieldChange(field, from, to));
      }
    }
    return fields;
  }

  /** True when nothing is to be done. */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  private static JsonNode present(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? null : node;
  }

  private static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }
}

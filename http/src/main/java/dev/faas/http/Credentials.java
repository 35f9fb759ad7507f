package dev.faas.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.actors.model.Names;
import java.util.Set;

/**
 * The body of {@code POST /v1/users} and {@code POST /v1/tokens}: a username and a password, both
 * checked against the API's grammar before anything is looked up or hashed.
 */
record Credentials(String username, String password) {
  private static final Set<String> FIELDS = Set.of("username", "password");

  @Override
  public String toString() {
    return "Credentials[username=" + username + "]"; // never the password, not even in a log
  }

  static Credentials parse(JsonNode body) {
    JsonFields fields = JsonFields.of(body, FIELDS, Set.of());
    String username = fields.requiredString("username");
    String password = fields.requiredString("password");
    if (!Names.isUsername(username)) {
      throw new InvalidRequest(
          "field 'username' must be 3 to 32 characters: a lower-case letter, then lower-case"
              + " letters, digits, '_' or '-'");
    }
    if (!Names.isPassword(password)) {
      throw new InvalidRequest("field 'password' must be 8 to 128 characters");
    }
    return new Credentials(username, password);
  }
}

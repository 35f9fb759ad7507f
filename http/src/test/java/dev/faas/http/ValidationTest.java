package dev.faas.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValidationTest {
  @Test
  void theFieldIsWhatTheDetailNamesFirst() {
    assertEquals(Optional.of("memoryMb"), Validation.field("field 'memoryMb' must be 16 to 4096"));
    assertEquals(Optional.of("colour"), Validation.field("unknown field 'colour'"));
    assertEquals(Optional.of("If-Match"), Validation.field("header 'If-Match' must list ETags"));
    assertEquals(Optional.of("limit"), Validation.field("query parameter 'limit' is malformed"));
    assertEquals(Optional.of("env.A"), Validation.field("field 'env.A' must be a string"));
  }

  @Test
  void aDetailNamingNoFieldGivesNone() {
    assertEquals(Optional.empty(), Validation.field("the request body must be a JSON object"));
    assertEquals(Optional.empty(), Validation.field("the function name in the path must match"));
    assertEquals(Optional.empty(), Validation.field(null));
  }
}

package dev.faas.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImagePullerTest {
  @Test
  void theEnginesReasonIsTakenOutOfDockerJavasMessage() {
    assertEquals(
        "Get \"http://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused",
        ImagePuller.engineReason(
            "Status 500: {\"message\":\"Get \\\"http://127.0.0.1:1/v2/\\\": dial tcp 127.0.0.1:1:"
                + " connect: connection refused\"}\n"));
  }

  @Test
  void aMessageOfAnotherShapeIsKeptWhole() {
    assertEquals("Status 502: bad gateway", ImagePuller.engineReason("Status 502: bad gateway\n"));
  }
}

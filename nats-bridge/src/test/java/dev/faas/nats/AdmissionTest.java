package dev.faas.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.faas.actors.activation.AdmissionRefused;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What a failed publish tells the caller: never a library's or an exception's name. */
class AdmissionTest {

  @Test
  void anUnreachableQueueIsNamedWithoutItsException() {
    AdmissionRefused refused =
        Admission.refusal(
            new CompletionException(new IOException("Error Publishing: 503 No Responders")));
    assertInstanceOf(AdmissionRefused.Unavailable.class, refused);
    assertEquals("the activation queue is unreachable", refused.getMessage());
    assertFalse(refused.getMessage().contains("java."), refused.getMessage());
    assertInstanceOf(IOException.class, refused.getCause(), "the cause is kept for the logs");
  }
}

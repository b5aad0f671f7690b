package io.tollgate.charts;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest check itself: it must catch what a real API server would refuse or drop. */
class StrictModelTest {

  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: demo}
      spec:
        selector: {matchLabels: {app: demo}}
        template:
          metadata: {labels: {app: demo}}
          spec:
            containers:
              - name: demo
                image: demo:1
                securityContext: {%s: true}
      """;

  @Test
  void aMisspelledFieldIsReported() {
    HasMetadata typo = Charts.parse(DEPLOYMENT.formatted("readOnlyRootFileSystem")).get(0);
    assertEquals(List.of("Deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem"),
        StrictModel.unknownFields(typo));
  }

  @Test
  void aCorrectManifestHasNoUnknownField() {
    HasMetadata fine = Charts.parse(DEPLOYMENT.formatted("readOnlyRootFilesystem")).get(0);
    assertTrue(StrictModel.unknownFields(fine).isEmpty());
  }

  @Test
  void aValueOfTheWrongTypeDoesNotParse() {
    assertThrows(RuntimeException.class, () -> Charts.parse("""
        apiVersion: v1
        kind: Service
        metadata: {name: demo}
        spec: {ports: [{port: {not: a number}}]}
        """));
  }
}

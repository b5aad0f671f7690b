package io.tollgate.gateway.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The gateway's layering, as docs/architecture.md states it. A change that breaks a rule fails
 * here, naming the class and the dependency.
 */
class ArchitectureTest {

  private static final String ROOT = "io.tollgate.gateway";
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
  }

  @Test
  void packagesDoNotDependOnEachOtherInCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void onlyTheWiringUsesTheHttpBoundary() {
    ArchRule rule = noClasses()
        .that().resideOutsideOfPackages(ROOT + ".http..")
        .and().resideOutsideOfPackage(ROOT)
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".http..")
        .because("stages return outcomes; the HTTP server package alone turns them into statuses and error bodies");
    rule.check(classes);
  }

  @Test
  void capabilitiesDoNotKnowTheRequestPath() {
    noClasses()
        .that().resideInAnyPackage(ROOT + ".auth..", ROOT + ".limit..", ROOT + ".route..", ROOT + ".stream..",
            ROOT + ".usage..", ROOT + ".request..", ROOT + ".trace..", ROOT + ".metrics..", ROOT + ".logging..",
            ROOT + ".config..", ROOT + ".outcome..", ROOT + ".ids..", ROOT + ".upstream..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".pipeline..")
        .because("the pipeline composes the capabilities; a capability that calls back into it hides the order of stages")
        .check(classes);
  }

  @Test
  void outcomesDependOnNothingOfTheGateway() {
    noClasses()
        .that().resideInAPackage(ROOT + ".outcome..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".auth..", ROOT + ".limit..", ROOT + ".route..",
            ROOT + ".stream..", ROOT + ".usage..", ROOT + ".request..", ROOT + ".config..", ROOT + ".http..",
            ROOT + ".pipeline..")
        .check(classes);
  }

  @Test
  void onlyTheHttpBoundaryAndTheAdminServerSetStatuses() {
    noClasses()
        .that().resideOutsideOfPackages(ROOT + ".http..", ROOT + ".admin..")
        .should().callMethod(HttpServerResponse.class, "setStatusCode", int.class)
        .because("which status an ending gets is decided in one place (http.ApiError.of)")
        .check(classes);
  }
}

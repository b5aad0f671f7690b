package io.tollgate.controlplane.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.vertx.sqlclient.SqlClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The control plane's layers: SQL lives in store/ (behind the stores' small APIs); stores speak the
 * domain (StoreError), not HTTP; HTTP statuses are chosen in the api package only.
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tollgate.controlplane");
  }

  @Test
  void sqlIsRunOnlyInStores() {
    ArchRule rule = noClasses().that().resideOutsideOfPackage("io.tollgate.controlplane.store..")
        .should().callMethodWhere(target(nameMatching("query|preparedQuery"))
            .and(target(owner(assignableTo(SqlClient.class)))))
        .because("the SQL lives in store/, behind the stores' methods the APIs call");
    rule.check(classes);
  }

  @Test
  void storesSpeakTheDomainNotHttp() {
    noClasses().that().resideInAPackage("io.tollgate.controlplane.store..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.controlplane.api..", "io.vertx.ext.web..",
            "io.vertx.core.http..")
        .because("stores raise StoreError; api/HttpErrors alone turns it into a status")
        .check(classes);
  }

  @Test
  void alertsRunBesideTheApiNotThroughIt() {
    noClasses().that().resideInAPackage("io.tollgate.controlplane.alerts..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.controlplane.api..", "io.vertx.ext.web..")
        .because("the relay and the delivery worker run on timers, off every request's path (ADR 0012)")
        .check(classes);
  }

  @Test
  void onlyTheApiChoosesHttpStatuses() {
    noClasses().that().resideInAnyPackage("io.tollgate.controlplane.store..", "io.tollgate.controlplane.snapshot..",
            "io.tollgate.controlplane.audit..", "io.tollgate.controlplane.keys..", "io.tollgate.controlplane.schema..",
            "io.tollgate.controlplane.alerts..")
        .should().dependOnClassesThat().haveFullyQualifiedName("io.tollgate.controlplane.api.ApiError")
        .check(classes);
  }
}

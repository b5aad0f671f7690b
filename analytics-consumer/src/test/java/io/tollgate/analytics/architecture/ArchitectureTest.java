package io.tollgate.analytics.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The analytics service's layers: SQL in store/ only; the store knows nothing of HTTP or the API. */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tollgate.analytics");
  }

  @Test
  void sqlIsRunOnlyInTheStore() {
    noClasses().that().resideOutsideOfPackage("io.tollgate.analytics.store..")
        .should().callMethodWhere(target(nameMatching("query|preparedQuery"))
            .and(target(owner(assignableTo(SqlClient.class)))))
        .orShould().callMethodWhere(target(nameMatching("prepare")).and(target(owner(assignableTo(SqlConnection.class)))))
        .because("the SQL lives in store/, behind the store's methods the API and the consumer call")
        .check(classes);
  }

  @Test
  void theStoreKnowsNothingOfHttp() {
    noClasses().that().resideInAPackage("io.tollgate.analytics.store..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.analytics.api..", "io.vertx.ext.web..",
            "io.vertx.core.http..")
        .check(classes);
  }
}

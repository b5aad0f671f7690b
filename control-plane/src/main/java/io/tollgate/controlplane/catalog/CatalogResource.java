package io.tollgate.controlplane.catalog;

import io.tollgate.controlplane.api.Fields;
import io.tollgate.controlplane.schema.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.BiFunction;

/**
 * One kind of the shared catalogue (backends, models, routes, limit policies): its table, how its
 * rows read as JSON, and how a request body becomes column values (collecting field errors).
 *
 * @param kind     singular name, used in audit actions and messages ("backend")
 * @param path     URL segment ("backends")
 * @param table    table name
 * @param idColumn primary key column, whose value is the last path segment
 * @param idField  the JSON field that carries the id in a create body
 * @param json     SQL expression building the row's JSON (includes "version")
 * @param columns  body → column values (id excluded), in insert order; null values clear a column
 * @param shape    the fields a body may have (others are refused by name)
 */
public record CatalogResource(String kind, String path, String table, String idColumn, String idField, String json,
                              BiFunction<Fields, Boolean, LinkedHashMap<String, Object>> columns, Shape shape) {

  /** The id a create body names, checked: a slug, or for models a name that may hold '/', ':', '@', '+'. */
  public String id(Fields fields) {
    boolean slug = idField().equals("id") || kind().equals("policy");
    String id = slug ? fields.slug(idField(), true) : fields.string(idField(), true);
    if (!slug && id != null && !id.matches("^[A-Za-z0-9._:/@+-]{1,128}$")) {
      fields.refuse(idField(), "must be 1 to 128 letters, digits or . _ : / @ + -");
    }
    return id;
  }

  public static List<CatalogResource> all() {
    return List.of(CatalogResources.BACKENDS, CatalogResources.MODELS, CatalogResources.ROUTES,
        CatalogResources.POLICIES);
  }
}

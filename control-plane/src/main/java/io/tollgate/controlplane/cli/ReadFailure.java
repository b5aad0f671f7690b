package io.tollgate.controlplane.cli;

import io.tollgate.frontdoor.JsonSyntax;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file or body could not be read, in words: the JDK's file exceptions carry only the path as
 * their message ("cannot read /x.yaml: /x.yaml"), and JSON's failures the parser's wrapping.
 */
final class ReadFailure {

  private ReadFailure() {
  }

  static String why(Exception failure) {
    if (failure instanceof NoSuchFileException || failure instanceof NotDirectoryException) {
      return "no such file";
    }
    if (failure instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (failure instanceof java.io.IOException && failure.getMessage() != null
        && failure.getMessage().endsWith("Is a directory")) {
      return "it is a directory";
    }
    if (failure instanceof io.vertx.core.json.DecodeException) {
      return "not valid JSON: " + JsonSyntax.reason(failure);
    }
    return String.valueOf(failure.getMessage());
  }
}

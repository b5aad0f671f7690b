package io.tollgate.controlplane.cli;

/** Exit codes of tollgate-admin; scripts may rely on them (docs/control-plane.md). */
final class ExitCodes {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int UNAUTHORIZED = 3;
  static final int FORBIDDEN = 4;
  static final int NOT_FOUND = 5;
  static final int CONFLICT = 6;
  static final int INVALID = 7;
  static final int UNREACHABLE = 8;

  private ExitCodes() {
  }

  static int forStatus(int status) {
    return switch (status) {
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 409, 412 -> CONFLICT;
      case 400, 422 -> INVALID;
      default -> FAILED;
    };
  }
}

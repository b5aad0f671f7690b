package io.tollgate.gpu.simulator;

/** Carries an {@link ApiError} out of request parsing; cheap (no stack trace): it is control flow. */
final class ApiException extends RuntimeException {

  private final transient ApiError error;

  ApiException(ApiError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  static ApiException badRequest(String message) {
    return new ApiException(ApiError.badRequest(message));
  }

  static ApiException badRequest(String message, String param) {
    return new ApiException(new ApiError(400, message, param));
  }

  ApiError error() {
    return error;
  }
}

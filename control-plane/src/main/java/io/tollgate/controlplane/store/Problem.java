package io.tollgate.controlplane.store;

/** One thing wrong with what was asked, at its path in the document asked with ({@code $.limits.requestsPerMinute}). */
public record Problem(String path, String reason) {
}

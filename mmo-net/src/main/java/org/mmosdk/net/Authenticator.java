package org.mmosdk.net;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a client may open a session. Called on the connection's I/O thread once per Hello; it must not
 * block: return a completed stage for a quick check, or a stage completed later by another thread (a database
 * look-up). The gateway waits at most its {@code authTimeout}, then closes the connection with
 * {@link CloseCodes#AUTH_TIMEOUT}. An exception, thrown or completing the stage, rejects the client with
 * {@link CloseCodes#AUTH_FAILED}.
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * Checks a client's credentials.
     *
     * @param request what the client sent
     * @return the decision, now or later
     */
    CompletionStage<AuthResult> authenticate(HandshakeRequest request);

    /**
     * Accepts everyone, with the client's name (or {@code "anonymous"}) as principal. For tests and local play.
     *
     * @return an authenticator that never rejects
     */
    static Authenticator allowAll() {
        return request -> CompletableFuture.completedFuture(
            AuthResult.accept(request.clientName().isEmpty() ? "anonymous" : request.clientName()));
    }
}

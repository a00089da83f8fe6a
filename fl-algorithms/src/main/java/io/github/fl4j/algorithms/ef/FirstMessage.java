package io.github.fl4j.algorithms.ef;

/**
 * How the shift-based methods ({@link Ef21}, {@link EControl}) initialise their gradient estimates g_i^0 (h_i^0 in
 * EControl) from the gradient at x^0.
 *
 * <p>fl4j's uplink channel applies the simulation's compressor to every vector and a client sends exactly one vector
 * per round, so a dense "uncompressed once" message cannot be smuggled past the channel. The two options are:
 * <ul>
 *   <li>{@link #EXACT} (default): the estimate is <em>transmitted</em> exactly, at the price of warm-up rounds. In
 *       rounds 1..R the server keeps x^0 fixed and each participant runs the method's own recursion
 *       g_i &lt;- g_i + C(grad f_i(x^0) - g_i) (from g_i = 0) with its full local gradient; the server steps x for the
 *       first time at the end of round R. R = 1 for a lossless uplink and R = ceil(1/alpha) for a contractive one with
 *       parameter alpha. For Top-K (alpha = K/d) every warm-up round sends K not-yet-sent coordinates exactly, so after
 *       R = ceil(d/K) rounds g_i^0 = grad f_i(x^0) bit for bit, as in the papers' code. For other contractive
 *       operators the error after R rounds is at most (1 - alpha)^{R/2} ||grad f_i(x^0)|| (in expectation), not 0.
 *       Every warm-up message is counted by the ledger at its compressed size, so R rounds of Top-K cost about one
 *       dense vector (plus index bits): the honest price of the papers' uncounted first message.</li>
 *   <li>{@link #COMPRESSED}: g_i^0 = C(grad f_i(x^0)), sent in round 1 as an ordinary message, and x moves in round 1
 *       already (a legal, slower-at-the-start alternative; it is the initialisation
 *       under which EControl with eta = 0 reduces to EF21).</li>
 * </ul>
 */
public enum FirstMessage {
    /** g_i^0 = grad f_i(x^0) transmitted over R = ceil(1/alpha) warm-up rounds at a fixed x^0. */
    EXACT,
    /** g_i^0 = C(grad f_i(x^0)), one ordinary compressed message in round 1. */
    COMPRESSED
}

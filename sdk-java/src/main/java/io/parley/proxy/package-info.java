/**
 * Typed services over a session, in the style of LSP4J's {@code ServiceEndpoints}: annotate an
 * interface, then call it through {@link io.parley.Session#proxy(Class)} (or
 * {@link io.parley.pool.WorkerPool#proxy(Class)}), or serve an annotated object with
 * {@link io.parley.Session#serve(Object)}.
 *
 * <pre>{@code
 * @Segment("invoice/")
 * interface InvoiceService {
 *     @Request Invoice render(RenderParams p);                  // blocking, session default timeout
 *     @Request("render") CompletableFuture<Invoice> renderAsync(RenderParams p);
 *     @Request List<Line> lines(String id, int page);           // params sent as ["id", 2]
 *     @Notification void audit(AuditEvent e);
 * }
 * InvoiceService svc = session.proxy(InvoiceService.class);
 * }</pre>
 *
 * <h2>Parameters</h2>
 * No parameter sends no params; exactly one sends that value as the params (an object stays an
 * object, so a PHP service method receives its fields by name); two or more are sent as a JSON
 * array, in order (a PHP service method receives them by position). A served Java method with two
 * or more parameters accepts such an array.
 *
 * <h2>Results</h2>
 * A method returning {@code CompletableFuture<T>} (or {@link io.parley.CallFuture}) is asynchronous;
 * any other return type waits, bounded by the session's default timeout
 * ({@link io.parley.Session.Builder#defaultTimeout}). Generic result types ({@code List<Line>}) are
 * decoded in full. Failures are thrown as the SDK's {@link io.parley.ParleyException} subclasses.
 */
package io.parley.proxy;

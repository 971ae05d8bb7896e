/**
 * A supervised pool of PHP workers: a Java service calls PHP code in long-lived child processes
 * as if it were a local service, and the pool keeps it working when PHP misbehaves.
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.builder()
 *         .command(List.of("php", "worker.php")).workers(4)
 *         .maxJobs(1000).execTtl(Duration.ofSeconds(30))
 *         .pool("slow", p -> p.workers(1).routes(List.of("report.*")).execTtl(Duration.ofMinutes(5)))
 *         .start()) {
 *     Invoice inv = pool.call("invoice.render", order, Invoice.class);
 * }
 * // or: WorkerPool.fromFile(Path.of("parley.yaml"))
 * }</pre>
 *
 * <p>Each worker is one Parley session (SPEC §8) over the child's stdio (SPEC §9.1). The PHP side
 * is an ordinary {@code Ipc::worker()} script.
 *
 * <h2>Options</h2>
 *
 * Builder methods ({@link io.parley.pool.PoolConfig.Builder}, and the same on {@link
 * io.parley.pool.WorkerPool.Builder}) and the keys of the YAML/JSON config file. Durations in the
 * file: {@code 300ms}, {@code 5s}, {@code 1m}, {@code 1h30m}, {@code 0} (off); sizes: {@code 256MB}
 * (10<sup>6</sup>), {@code 256MiB} (2<sup>20</sup>) or bytes. Relative paths in the file are
 * resolved against its directory, which is also the default working directory.
 *
 * <table>
 * <caption>Pool options</caption>
 * <tr><th>file key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>command / script</td><td>{@code [php, worker.php]}</td><td>the worker's argv (no shell); {@code script: x.php} = {@code [php, x.php]}</td></tr>
 * <tr><td>workers</td><td>number of CPUs</td><td>local workers kept running</td></tr>
 * <tr><td>env</td><td>{}</td><td>variables added to the inherited environment</td></tr>
 * <tr><td>working_dir</td><td>current dir (file: its dir)</td><td>the workers' working directory</td></tr>
 * <tr><td>transport</td><td>stdio</td><td>stdio, unix (private 0600 socket) or tcp (loopback, per-pool token): the worker's {@code Ipc::worker()} dials back; shm: the shared-memory ring (SPEC §9.4, one 1 MiB ring pair per worker in /dev/shm; a worker without FFI declines and uses the ring's socket, logged once)</td></tr>
 * <tr><td>max_concurrent</td><td>1</td><td>calls per worker at once; 1 = one job at a time, more uses multiplexing</td></tr>
 * <tr><td>queue_size</td><td>1024</td><td>calls that may wait for a worker (FIFO)</td></tr>
 * <tr><td>allocate_timeout</td><td>60s</td><td>how long a call may wait for a worker</td></tr>
 * <tr><td>max_jobs</td><td>0 (off)</td><td>soft: calls a worker serves before it is replaced</td></tr>
 * <tr><td>ttl</td><td>0 (off)</td><td>soft: a worker's lifetime</td></tr>
 * <tr><td>idle_ttl</td><td>0 (off)</td><td>soft: how long a worker may stay idle</td></tr>
 * <tr><td>max_memory</td><td>0 (off)</td><td>soft: RSS limit ({@code VmRSS} of {@code /proc/<pid>/status}), checked every watch_tick</td></tr>
 * <tr><td>exec_ttl</td><td>0 (off)</td><td>hard: the longest a call may run</td></tr>
 * <tr><td>exec_grace</td><td>1s</td><td>after exec_ttl, time for the handler to stop by itself before SIGTERM</td></tr>
 * <tr><td>start_timeout</td><td>10s</td><td>launch and handshake of one worker</td></tr>
 * <tr><td>stop_timeout</td><td>10s</td><td>drain after GOODBYE when a worker or the pool stops</td></tr>
 * <tr><td>term_timeout</td><td>2s</td><td>after SIGTERM, wait before SIGKILL of the process tree</td></tr>
 * <tr><td>watch_tick</td><td>1s</td><td>supervisor period (ttl, idle_ttl, memory)</td></tr>
 * <tr><td>watch</td><td>[]</td><td>files or directories; a change starts a rolling restart</td></tr>
 * <tr><td>watch_debounce</td><td>300ms</td><td>quiet time after the last change before the restart</td></tr>
 * <tr><td>restart_backoff / restart_backoff_max</td><td>100ms / 5s</td><td>delay before restarting a crashed worker, doubled per crash in a row</td></tr>
 * <tr><td>crash_loop_deaths / crash_loop_window</td><td>5 / 10s</td><td>the crash-loop breaker</td></tr>
 * <tr><td>pools.&lt;name&gt;</td><td></td><td>a named pool: any key above (inherited from the top level) plus {@code routes}</td></tr>
 * <tr><td>pools.&lt;name&gt;.routes</td><td></td><td>method globs ({@code *}, {@code ?}); first matching pool wins, else {@code default}</td></tr>
 * <tr><td>remote.listen / token / token_env / tls</td><td>off</td><td>accept remote workers ({@link io.parley.pool.RemoteWorkers}); tls: {@code {keystore: x.p12, password: ...}}</td></tr>
 * </table>
 *
 * <h2>Routing</h2>
 *
 * A call goes to the named pool whose routes match its method, there to the least-loaded worker
 * with room (least recently used among equals); when every worker is full it waits in a bounded
 * FIFO queue. Past {@code queue_size}, or after {@code allocate_timeout} in the queue, it fails with
 * {@link io.parley.pool.PoolOverloadedException}. The caller's own deadline ({@link
 * io.parley.CallOptions#timeout}) counts from the moment the pool accepts the call. Progress
 * listeners and codecs in the {@code CallOptions} pass through to the worker's session.
 *
 * <h2>Soft and hard limits</h2>
 *
 * {@code max_jobs}, {@code ttl}, {@code idle_ttl} and {@code max_memory} are <b>soft</b>: they never
 * interrupt a call. The pool starts a replacement first; the old worker keeps serving until the
 * replacement is ready (for {@code max_jobs} it takes no further call at once), then finishes its
 * calls, gets GOODBYE and exits; no call fails because of recycling. A reload ({@link
 * io.parley.pool.WorkerPool#reload()}, or a change to a watched file) replaces the workers the same
 * way, one at a time.
 *
 * <p>Only {@code exec_ttl} is <b>hard</b>. The deadline travels in-band with the request (SPEC
 * §6.4), so a cooperative handler ({@code $ctx->sleep()}, {@code $ctx->throwIfCancelled()}) stops
 * by itself; the call fails with {@link io.parley.pool.ExecTtlExceededException} at the deadline,
 * and the worker takes no further call. If it has still not answered after {@code exec_grace}, its
 * whole process tree (grandchildren included, listed before the first signal) gets SIGTERM, and
 * SIGKILL after {@code term_timeout}. Either way the worker is replaced; other calls on other
 * workers are unaffected.
 *
 * <h2>Errors</h2>
 *
 * <table>
 * <caption>What a pool call can fail with</caption>
 * <tr><th>exception</th><th>outcome</th><th>meaning and what to do</th></tr>
 * <tr><td>{@link io.parley.RemoteException}</td><td>REMOTE_ERROR</td><td>the PHP handler answered with an error</td></tr>
 * <tr><td>{@link io.parley.DeadlineExceededException}</td><td>DEADLINE</td><td>the caller's own deadline passed (waiting included)</td></tr>
 * <tr><td>{@link io.parley.pool.ExecTtlExceededException}</td><td>EXEC_TTL</td><td>the call passed exec_ttl; its worker is stopped and replaced. Raise exec_ttl or route the method to a pool with a longer one</td></tr>
 * <tr><td>{@link io.parley.pool.WorkerCrashedException}</td><td>CRASHED</td><td>the worker died during the call (exit status or signal, stderr tail). Calls are not retried: they may have had effects</td></tr>
 * <tr><td>{@link io.parley.pool.PoolOverloadedException}</td><td>OVERLOADED</td><td>queue full or allocate timeout (see {@code reason()}); nothing was sent; retry later, or raise workers / queue_size / allocate_timeout</td></tr>
 * <tr><td>{@link io.parley.pool.PoolUnhealthyException}</td><td>UNHEALTHY</td><td>the crash-loop breaker is open: crash_loop_deaths workers died at start (before their handshake or before their first call) within crash_loop_window. The message has the last stderr lines; fix the cause and reload</td></tr>
 * <tr><td>{@link io.parley.pool.PoolClosedException}</td><td>SHUTDOWN</td><td>the pool is closing or closed</td></tr>
 * </table>
 *
 * <h2>Crashes</h2>
 *
 * When a worker dies, every call on it fails at once with {@link
 * io.parley.pool.WorkerCrashedException}, and a replacement is launched after {@code
 * restart_backoff}, doubled for each crash in a row (a successful call resets it) up to {@code
 * restart_backoff_max}.
 *
 * <h2>Shutdown</h2>
 *
 * {@link io.parley.pool.WorkerPool#close()} stops taking calls, lets queued and running calls end
 * within {@code stop_timeout} (calls still queued then fail with {@code PoolClosedException}), sends
 * GOODBYE to every worker and drains it within {@code stop_timeout}, then SIGTERM and SIGKILL of
 * each worker's process tree; finally it kills any process of the trees listed before the stop
 * that is still alive. Worst case: about 2 x stop_timeout + 2 x term_timeout + 5 s.
 *
 * <h2>Remote workers</h2>
 *
 * With {@link io.parley.pool.RemoteWorkers} the pool listens on TCP (TLS optional, token required,
 * SPEC §9.3). A PHP worker on another host connects with {@code Ipc::connect($address, new
 * SessionOptions(token: $token, peerName: 'pool:slow'))} and joins the named pool {@code slow}; it
 * leaves when its connection ends. Remote workers are not recycled or restarted by the pool (it
 * cannot start processes on other hosts); on exec_ttl their connection is cut. When a remote worker
 * is lost, its in-flight calls fail with {@link io.parley.pool.WorkerCrashedException} whose
 * message says so, its slot is freed at once (it leaves {@code stats().workers()}; restarts are
 * not counted, nothing was restarted), the log gets a warning and {@link
 * io.parley.pool.PoolListener#remoteWorkerLost} is called. <b>Restarting it is the job of whatever
 * placed it</b> (Kubernetes, docker {@code restart: always}, systemd {@code Restart=always}); the
 * new process joins when it connects. A named pool may mix local workers (supervised and restarted)
 * and remote ones.
 *
 * <h2>Statistics</h2>
 *
 * {@link io.parley.pool.WorkerPool#stats()} returns a {@link io.parley.pool.PoolStats} snapshot:
 * workers by state with pid, jobs, RSS and uptime; queue depth; calls by outcome; restarts by
 * reason; latency p50/p95/p99 from an HdrHistogram. {@link io.parley.pool.PoolListener} gets worker
 * start and stop events.
 */
package io.parley.pool;

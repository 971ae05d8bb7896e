/**
 * A supervised pool of PHP workers (full guide follows with the implementation).
 */
package io.parley.pool;

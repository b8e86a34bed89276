/**
 * The write batcher is the request side of the write path (write-path.ts): `deps.writes`.
 * Kept under this name for its many callers; group commit, background units, pacing and the
 * background drainer all live in write-path.ts.
 */
export { BACKGROUND_PATIENCE, createWritePath as createWriteBatcher, type WritePath as WriteBatcher, type WriteUnit } from './write-path.ts';

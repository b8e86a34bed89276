import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// package.json declares the Node.js version the platform needs; `npm ci` on that version must
// print no EBADENGINE warning, so every installed package has to accept it (cookie 2, pulled in
// by light-my-request 6.8, wanted Node 22 while we declare 20.19: see the override in package.json).
const root = join(import.meta.dirname, '../../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

describe('the declared Node.js engine', () => {
  const minimum = semver.minVersion(manifest.engines.node)!.version;

  it('is a real minimum (>= 20.19)', () => {
    expect(semver.gte(minimum, '20.19.0')).toBe(true);
  });

  it('is accepted by every package in the lock file', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, p]) => {
        const range = !Array.isArray(p.engines) ? p.engines?.node : undefined;
        return range && !semver.satisfies(minimum, range) ? [`${path}@${p.version} wants node ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });
});

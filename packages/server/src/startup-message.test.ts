import { describe, expect, it } from 'vitest';
import { configFromEnv, listenHost, parseConfig } from './config.ts';
import { startupMessage } from './startup-message.ts';

const hostFor = (env: NodeJS.ProcessEnv) => listenHost(parseConfig(configFromEnv(env)));

describe('where serve listens', () => {
  it('listens on this machine only with the demo (its accounts share one password) unless HOST says otherwise', () => {
    expect(hostFor({ LIANDONG_DEMO: 'true' })).toBe('127.0.0.1');
    expect(hostFor({ LIANDONG_DEMO: 'true', HOST: '0.0.0.0' })).toBe('0.0.0.0');
    expect(hostFor({ LIANDONG_DEMO: 'true', HOST: '192.168.1.20' })).toBe('192.168.1.20');
    expect(hostFor({})).toBe('0.0.0.0');
    expect(hostFor({ HOST: '127.0.0.1' })).toBe('127.0.0.1');
  });
});

describe('the start-up message', () => {
  it('ends with the demo password in a box, after the line saying where it listens and how to expose it', () => {
    const text = startupMessage({ url: 'http://127.0.0.1:8080', host: '127.0.0.1', demo: { kind: 'generated', password: 'Xk3_pQ9aZ1bC' } });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Liandong is serving at http://127.0.0.1:8080 (API docs: http://127.0.0.1:8080/api/docs)');
    expect(text).toMatch(/listens on 127\.0\.0\.1 only/);
    expect(text).toContain('HOST=0.0.0.0');
    const passwordLine = lines.findIndex((l) => l.includes('password: Xk3_pQ9aZ1bC'));
    expect(passwordLine).toBeGreaterThan(2);
    expect(lines.at(-1)).toMatch(/^└─+┘$/);
    expect(text).toContain('npx liandong demo --reset-password');
    // The box is square: every line as wide as its top.
    const box = lines.slice(lines.findIndex((l) => l.startsWith('┌')));
    expect(new Set(box.map((l) => [...l].length)).size).toBe(1);
  });

  it("says how to apply LIANDONG_DEMO_PASSWORD when it is not the accounts' password, and never prints it", () => {
    const text = startupMessage({ url: 'http://127.0.0.1:8080', host: '127.0.0.1', demo: { kind: 'env-not-applied' } });
    expect(text).toMatch(/LIANDONG_DEMO_PASSWORD is NOT the demo accounts' password/);
    expect(text).toContain('LIANDONG_DEMO_PASSWORD=… npx liandong demo --reset-password');
  });

  it('has no exposure hint or box when serving every interface without the demo', () => {
    const text = startupMessage({ url: 'http://0.0.0.0:8080', host: '0.0.0.0', demo: null });
    expect(text).toBe('Liandong is serving at http://localhost:8080 (API docs: http://localhost:8080/api/docs)');
  });
});

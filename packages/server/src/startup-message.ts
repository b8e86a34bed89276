/** What `serve --demo` knows about the demo accounts' password at the end of start-up. */
export type DemoPasswordStatus =
  /** Seeded just now with a random password: shown here, once. */
  | { kind: 'generated'; password: string }
  /** LIANDONG_DEMO_PASSWORD (or --demo-password) is the accounts' password. */
  | { kind: 'from-env' }
  /** Seeded at an earlier start: the accounts keep the password shown then. */
  | { kind: 'kept' }
  /** LIANDONG_DEMO_PASSWORD is set but is not the accounts' password (it only applies when seeding). */
  | { kind: 'env-not-applied' };

const RESET = 'npx liandong demo --reset-password';

/**
 * The last lines `liandong serve` prints once it listens: where, how to reach it from elsewhere
 * when it listens on this machine only, and — with the demo — how to sign in, in a box that the
 * progress bars before it do not hide.
 */
export function startupMessage(o: { url: string; host: string; demo: DemoPasswordStatus | null }): string {
  const shown = o.url.replace('0.0.0.0', 'localhost');
  const lines = [`Liandong is serving at ${shown} (API docs: ${shown}/api/docs)`];
  if (isLoopback(o.host)) {
    lines.push(
      `  It listens on ${o.host} only: other machines cannot reach it${o.demo ? ' (every demo account shares one password)' : ''}.`,
      `  To expose it, set HOST=0.0.0.0 (e.g. HOST=0.0.0.0 npm start).`,
    );
  }
  if (o.demo) lines.push('', demoMessage(o.demo));
  return lines.join('\n');
}

/** The demo password's box alone (`liandong demo`). */
export function demoMessage(status: DemoPasswordStatus): string {
  return box(demoLines(status)).join('\n');
}

/** After `liandong demo --reset-password`. */
export function demoResetMessage(o: { password: string; generated: boolean; accounts: number }): string {
  return box([
    `The ${o.accounts} demo accounts now take ${o.generated ? 'the password:' : 'the password in LIANDONG_DEMO_PASSWORD.'}`,
    ...(o.generated ? ['', `    password: ${o.password}`, ''] : []),
    'Their sessions have ended; accounts added by an administrator are unchanged.',
  ]).join('\n');
}

function demoLines(status: DemoPasswordStatus): string[] {
  const head = 'Demo county: sign in as admin (or any demo account, see README) with';
  switch (status.kind) {
    case 'generated':
      return [
        head,
        '',
        `    password: ${status.password}`,
        '',
        'It is shown only now. Another one, or one of your own, at any time:',
        `  ${RESET}    (LIANDONG_DEMO_PASSWORD=… ${RESET})`,
      ];
    case 'from-env':
      return [`${head} the password in LIANDONG_DEMO_PASSWORD.`, `Change it: LIANDONG_DEMO_PASSWORD=… ${RESET}`];
    case 'kept':
      return [
        `${head} the password printed at its first start (or by the last reset).`,
        `Forgot it? ${RESET} sets a new random one`,
        `(or LIANDONG_DEMO_PASSWORD=… ${RESET} one of your own).`,
      ];
    case 'env-not-applied':
      return [
        "Demo county: LIANDONG_DEMO_PASSWORD is NOT the demo accounts' password: it is used only",
        'when the demo is first seeded; the accounts keep the one printed then (or by the last',
        'reset). Apply it:',
        `  LIANDONG_DEMO_PASSWORD=… ${RESET}`,
      ];
  }
}

function box(lines: string[]): string[] {
  const width = Math.max(...lines.map(displayWidth)) + 2;
  return [`┌${'─'.repeat(width)}┐`, ...lines.map((l) => `│ ${l}${' '.repeat(width - 1 - displayWidth(l))}│`), `└${'─'.repeat(width)}┘`];
}

/** Columns a line takes in a terminal (the lines are ASCII but for the box; … counts one). */
function displayWidth(s: string): number {
  return [...s].length;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

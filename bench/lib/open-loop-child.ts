// Runs one open-loop load (open-loop.ts) in a lean process of its own and prints its result as JSON.
import { readFileSync } from 'node:fs';
import { openLoop } from './open-loop.ts';

const { url, opts } = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const result = await openLoop(url, opts);
// Keep-alive sockets would hold the process open: leave once the result is written.
process.stdout.write(JSON.stringify(result), () => process.exit(0));

// `npm run bench [-- names…]`: runs the benchmarks and rewrites bench/RESULTS.md with the machine,
// the date and every figure. Benchmarks are not tests: they print and record, they do not assert.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { runLocateBench } from './locate.bench.ts';
import { runEventsHttpBench } from './events-http.bench.ts';
import { runSmsBench } from './sms.bench.ts';
import { runProcessBench } from './process.bench.ts';
import { runWebBench } from './web.bench.ts';
import { runDocsBench } from './docs.bench.ts';
import { runBusBench } from './bus.bench.ts';
import { runLinkageBench } from './linkage.bench.ts';
import { runReadsBench } from './reads.bench.ts';

const BENCHES: Record<string, (log: (s: string) => void) => Promise<string>> = {
  locate: runLocateBench,
  events: runEventsHttpBench,
  sms: runSmsBench,
  process: runProcessBench,
  web: runWebBench,
  docs: runDocsBench,
  bus: runBusBench,
  linkage: runLinkageBench,
  reads: runReadsBench,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(BENCHES);
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const resultsFile = join(import.meta.dirname, 'RESULTS.md');
const sectionsFile = join(import.meta.dirname, '.sections.json');
// Read afresh before each write: benchmarks of other names may finish while this one runs.
const readSections = (): Record<string, string> => (existsSync(sectionsFile) ? JSON.parse(readFileSync(sectionsFile, 'utf8')) : {});
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;

for (const name of names) {
  console.log(`▶ ${name}`);
  const started = new Date();
  const text = await BENCHES[name]((s) => console.log(s));
  const sections = readSections();
  sections[name] =
    `<!-- ${name}: ${started.toISOString()} -->\n_Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}._\n\n${text}`;
  console.log(text);
  writeFileSync(sectionsFile, JSON.stringify(sections, null, 2));
  writeFileSync(
    resultsFile,
    [
      '# Benchmark results',
      '',
      'Produced by `npm run bench` (or `npm run bench -- <name>` for one of: ' + Object.keys(BENCHES).join(', ') + ').',
      'Each figure is compared with a baseline measured in the same run on the same machine, since these machines are noisy.',
      '',
      ...Object.keys(BENCHES)
        .filter((n) => sections[n])
        .map((n) => sections[n]),
    ].join('\n'),
  );
}

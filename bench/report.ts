/** The run's table: printed, and written into BENCHMARKS.md between its markers with the machine's description. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/stack/tools';

export interface Row {
  measure: string;
  saga: string;
  baseline?: string;
  ratio?: string;
  target?: string;
  /** undefined: no target for this row. */
  met?: boolean;
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function table(rows: Row[]): string {
  const lines = ['| measure | checkout-sagas | raw engine | ratio | target | met |', '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.measure} | ${r.saga} | ${r.baseline ?? ''} | ${r.ratio ?? ''} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces the figures between the markers; the rest of BENCHMARKS.md (the analysis) stays. */
export function writeBenchmarks(section: string): string {
  const file = path.join(projectRoot(), 'BENCHMARKS.md');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  const next = from >= 0 && to > from ? `${text.slice(0, from + START.length)}\n${section}\n${text.slice(to)}` : `${text.trimEnd()}\n\n${START}\n${section}\n${END}\n`;
  fs.writeFileSync(file, next);
  return file;
}

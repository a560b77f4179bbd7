/**
 * Everything the CLI prints on stdout goes through here.
 * - `--json`: exactly one JSON document and a newline, so `portcullis ... --json | jq` always works.
 * - Human output: aligned tables and key/value blocks. Values come from the server and may hold
 *   anything a client registration allowed, so control characters are made visible rather than
 *   handed to the terminal (an escape sequence in a client name must not repaint the screen).
 */
import type { Writer } from './io.js';

export type BlockValue = string | number | boolean | readonly string[] | null | undefined;

export interface Column<Row> {
  header: string;
  value: (row: Row) => BlockValue;
}

export function printJson(out: Writer, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(out: Writer, text: string): void {
  out.write(`${text}\n`);
}

/** Key/value block; a list value puts its first item beside the key and the rest underneath. */
export function printBlock(out: Writer, pairs: ReadonlyArray<readonly [string, BlockValue]>): void {
  const width = Math.max(0, ...pairs.map(([key]) => key.length));
  const lines = pairs.flatMap(([key, value]) => {
    const items = Array.isArray(value) && value.length > 0 ? value.map((item) => safe(String(item))) : [show(value)];
    return items.map((item, index) => `${(index === 0 ? key : '').padEnd(width)}  ${item}`.trimEnd());
  });
  out.write(`${lines.join('\n')}\n`);
}

export function printTable<Row>(out: Writer, rows: readonly Row[], columns: ReadonlyArray<Column<Row>>): void {
  const cells = rows.map((row) => columns.map((column) => show(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i]?.length ?? 0)));
  const format = (line: readonly string[]) => line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  out.write(`${[format(columns.map((column) => column.header)), ...cells.map(format)].join('\n')}\n`);
}

/** How one value reads in human output: `-` for nothing, yes/no for booleans, lists comma-joined. */
export function show(value: BlockValue): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map((item) => safe(String(item))).join(', ');
  return safe(String(value));
}

/** Control characters (C0, DEL, C1) become `\u….` escapes; everything printable passes unchanged. */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

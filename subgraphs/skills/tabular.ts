/**
 * Readers for the two tabular formats the open data ships in. Both return rows as objects keyed by the header,
 * so that loaders name columns instead of counting them.
 */

export type Row = Record<string, string>;

/**
 * Parses RFC 4180 CSV: fields may be quoted, quoted fields may hold commas, doubled quotes and line breaks
 * (ESCO's `altLabels` are newline-separated inside one quoted field). Accepts CRLF or LF row ends and a
 * leading byte-order mark; a final row without a line break is kept.
 */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let record: string[] = [];
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const length = text.length;
  while (position < length) {
    let field: string;
    if (text[position] === '"') {
      // A quoted field runs to the quote that is not doubled; slices keep long multi-line fields cheap.
      let value = '';
      let from = position + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote === -1) throw new Error('CSV ends inside a quoted field');
        value += text.slice(from, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
          continue;
        }
        position = quote + 1;
        break;
      }
      // Anything between the closing quote and the delimiter is kept, as lenient readers do.
      const rest = nextDelimiter(text, position);
      field = value + text.slice(position, rest);
      position = rest;
    } else {
      const end = nextDelimiter(text, position);
      field = text.slice(position, end);
      position = end;
    }
    record.push(field);
    const delimiter = text[position];
    if (delimiter === ',') {
      position += 1;
      if (position === length) record.push('');
      continue;
    }
    records.push(record);
    record = [];
    position += delimiter === '\r' ? 2 : 1;
  }
  return toObjects(records);
}

/** The index of the next `,`, line break (LF or CRLF) or the end of the text, from `from`. */
function nextDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 44 || code === 10 || (code === 13 && text.charCodeAt(i + 1) === 10)) return i;
  }
  return text.length;
}

/**
 * Parses tab-separated text with quoting off, as O*NET publishes it: a quote is an ordinary character, and a
 * field can never hold a tab or a line break.
 */
export function parseTsv(text: string): Row[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return toObjects(lines.map((line) => line.split('\t')));
}

function toObjects(records: string[][]): Row[] {
  const [header, ...body] = records;
  if (!header) return [];
  return body
    .filter((cells) => !(cells.length === 1 && cells[0] === ''))
    .map((cells, index) => {
      if (cells.length !== header.length) {
        throw new Error(`row ${index + 2} has ${cells.length} fields; the header has ${header.length}`);
      }
      const row: Row = {};
      header.forEach((name, column) => {
        row[name] = cells[column]!;
      });
      return row;
    });
}

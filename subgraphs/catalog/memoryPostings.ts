/**
 * For each value of a field with many values (issuers, skills), the docs that have it, so that a filter on one of
 * them starts from its few docs rather than from every doc. Lists only grow: the entries of removed docs stay
 * (SQLite even gives a removed doc's number to a new credential), so readers check each doc against the columns,
 * and the owner rebuilds the lists when stale entries pile up.
 */
export class Postings {
  private lists: number[][] = [];
  private entries = 0;
  private stale = 0;

  add(code: number, doc: number): void {
    let list = this.lists[code];
    if (!list) {
      list = [];
      this.lists[code] = list;
    }
    list.push(doc);
    this.entries += 1;
  }

  /** Entries that a removal left stale. */
  staled(count: number): void {
    this.stale += count;
  }

  /** Whether stale entries outnumber live ones (and are many): time to rebuild. */
  get worn(): boolean {
    return this.stale > 4096 && this.stale * 2 > this.entries;
  }

  clear(): void {
    this.lists = [];
    this.entries = 0;
    this.stale = 0;
  }

  /** The docs listed under any of the codes, ascending, each once (some no longer have the value). */
  docsOf(codes: Iterable<number>): Int32Array {
    const lists = [...new Set(codes)].map((code) => this.lists[code] ?? []);
    const docs = new Int32Array(lists.reduce((sum, list) => sum + list.length, 0));
    let at = 0;
    for (const list of lists) for (const doc of list) docs[at++] = doc;
    docs.sort();
    let unique = 0;
    for (let i = 0; i < docs.length; i++) if (i === 0 || docs[i] !== docs[i - 1]) docs[unique++] = docs[i]!;
    return docs.subarray(0, unique);
  }
}

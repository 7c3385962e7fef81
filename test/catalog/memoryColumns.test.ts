import { describe, expect, it } from 'vitest';
import { TextArena } from '../../subgraphs/catalog/memoryColumns.js';

describe('the text arena of the memory index', () => {
  it('keeps every text it holds through the packing that follows many removals', () => {
    const arena = new TextArena();
    const text = (doc: number) => `credential ${doc} — ${'é'.repeat(doc % 7)}${'x'.repeat(40)}`;
    for (let doc = 0; doc < 40_000; doc++) arena.set(doc, text(doc));
    // Over a megabyte of removed texts: the arena packs what is left.
    for (let doc = 0; doc < 40_000; doc++) if (doc % 10 !== 0) arena.clear(doc);
    for (let doc = 40_000; doc < 40_100; doc++) arena.set(doc, text(doc));
    for (const doc of [0, 10, 39_990, 40_000, 40_099]) expect(arena.text(doc)).toBe(text(doc));
    expect(arena.compare(10, 20)).toBeLessThan(0);
    expect(arena.compareTo(10, Buffer.from(text(10)))).toBe(0);
  });

  it('orders texts by their UTF-8 bytes, as the databases do, not as JavaScript compares strings', () => {
    const arena = new TextArena();
    arena.set(1, 'zz 𝒜'); // U+1D49C: a surrogate pair, before U+FF76 in UTF-16, after it in UTF-8
    arena.set(2, 'zz ｶ');
    expect('zz 𝒜' < 'zz ｶ').toBe(true);
    expect(arena.compare(1, 2)).toBeGreaterThan(0);
    expect(arena.compareTo(2, Buffer.from('zz ｶ!'))).toBeLessThan(0);
  });
});

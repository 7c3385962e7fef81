/** Building blocks of the memory index's columns. */

/** Strings to small integers and back; code 0 stands for null. */
export class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly values: Array<string | null> = [null];

  code(value: string | null): number {
    if (value === null) return 0;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  find(value: string): number | undefined {
    return this.codes.get(value);
  }
}

/** A typed array with room for `size` entries: itself, or a copy at least twice as long (new entries `fill`ed). */
export function grow<T extends Float64Array | Int32Array | Uint8Array | Uint16Array | Uint32Array>(
  array: T,
  size: number,
  fill?: number,
): T {
  if (array.length >= size) return array;
  const grown = new (array.constructor as new (length: number) => T)(Math.max(size, array.length * 2, 1024));
  grown.set(array);
  if (fill !== undefined) grown.fill(fill, array.length);
  return grown;
}

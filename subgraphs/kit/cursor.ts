/** Opaque cursors: JSON in base64url, so that clients cannot come to depend on what is inside. */

export function encodeCursor(state: unknown): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/** The state inside a cursor, or null when it is not one of ours. */
export function decodeCursor<T>(cursor: string, isState: (value: unknown) => value is T): T | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return isState(value) ? value : null;
  } catch {
    return null;
  }
}

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The trusted-documents file is unreadable or malformed. */
export class TrustedDocumentsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrustedDocumentsError';
  }
}

/** A request resolved against the trusted documents: the document to run, or why it is refused. */
export type TrustedResolution = { ok: true; query: string } | { ok: false; message: string };

/**
 * The operations a gateway in trusted-documents mode runs, and no others. The file maps ids to documents,
 * either as a plain JSON object (`{"<sha256>": "query …"}`, Relay's and most persisted-query tools' output) or
 * as Apollo's persisted query manifest (`{"format": "apollo-persisted-query-manifest", "operations":
 * [{"id", "body"}]}`). A client names an operation by `documentId` (with or without a `sha256:` prefix), `id`,
 * or APQ's `extensions.persistedQuery.sha256Hash`; a client that sends the full text is accepted when that
 * text is one of the documents.
 */
export class TrustedDocuments {
  private constructor(
    private readonly byId: ReadonlyMap<string, string>,
    private readonly texts: ReadonlySet<string>,
  ) {}

  get size(): number {
    return this.texts.size;
  }

  /** Reads a trusted-documents file. */
  static async load(path: string): Promise<TrustedDocuments> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new TrustedDocumentsError(`cannot read trusted documents ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return TrustedDocuments.from(parsed, path);
  }

  /** Builds the set from a parsed file (see the class comment for its two shapes). */
  static from(parsed: unknown, source = 'trusted documents'): TrustedDocuments {
    const entries: Array<[string, string]> = [];
    if (isRecord(parsed) && parsed.format === 'apollo-persisted-query-manifest') {
      if (!Array.isArray(parsed.operations))
        throw new TrustedDocumentsError(`${source}: operations must be a list`);
      for (const operation of parsed.operations) {
        if (!isRecord(operation) || typeof operation.id !== 'string' || typeof operation.body !== 'string') {
          throw new TrustedDocumentsError(`${source}: every operation needs a string id and body`);
        }
        entries.push([operation.id, operation.body]);
      }
    } else if (isRecord(parsed)) {
      for (const [id, body] of Object.entries(parsed)) {
        if (typeof body !== 'string')
          throw new TrustedDocumentsError(`${source}: "${id}" must map to a document`);
        entries.push([id, body]);
      }
    } else {
      throw new TrustedDocumentsError(`${source}: expected a JSON object of id → document`);
    }
    const byId = new Map<string, string>();
    for (const [id, body] of entries) {
      byId.set(id, body);
      byId.set(sha256(body), body);
    }
    return new TrustedDocuments(byId, new Set(entries.map(([, body]) => body)));
  }

  /** Resolves the operation a request names (see the class comment). */
  resolve(request: {
    query?: unknown;
    documentId?: unknown;
    id?: unknown;
    extensions?: unknown;
  }): TrustedResolution {
    const persisted = isRecord(request.extensions) ? request.extensions.persistedQuery : undefined;
    const named =
      typeof request.documentId === 'string'
        ? request.documentId.replace(/^sha256:/, '')
        : typeof request.id === 'string'
          ? request.id
          : isRecord(persisted) && typeof persisted.sha256Hash === 'string'
            ? persisted.sha256Hash
            : null;
    if (named !== null) {
      const query = this.byId.get(named);
      return query === undefined
        ? { ok: false, message: `no trusted operation has the id ${JSON.stringify(named.slice(0, 100))}` }
        : { ok: true, query };
    }
    if (typeof request.query === 'string') {
      return this.texts.has(request.query)
        ? { ok: true, query: request.query }
        : { ok: false, message: 'this gateway runs only its trusted operations; send a documentId' };
    }
    return { ok: false, message: 'this gateway runs only its trusted operations; send a documentId' };
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

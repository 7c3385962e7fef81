import type { ServerResponse } from 'node:http';
import type { StandinFault } from './standin.js';

/**
 * The faults injected into a stand-in or a fault proxy, taken one request at a time: the first pending fault
 * whose `pathIncludes` matches misbehaves `times` times, then is gone.
 */
export class FaultQueue {
  private faults: Array<StandinFault & { left: number }> = [];

  add(fault: StandinFault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault for a request to `path` (path and query), counting it as used; null when none applies. */
  take(path: string): StandinFault | null {
    const fault = this.faults.find(
      (candidate) => !candidate.pathIncludes || path.includes(candidate.pathIncludes),
    );
    if (!fault) return null;
    fault.left -= 1;
    if (fault.left <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }
}

/** Waits out a fault's `delayMs`, if it has one. */
export async function delayFor(fault: StandinFault | null): Promise<void> {
  if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
}

/**
 * Answers for the fault itself when it replaces the real answer (a status or a raw body); false when the real
 * answer should be sent (perhaps cut short by {@link sendPossiblyReset}).
 */
export function answeredByFault(fault: StandinFault | null, response: ServerResponse): boolean {
  if (!fault || (fault.status === undefined && fault.rawBody === undefined)) return false;
  const text = fault.rawBody ?? JSON.stringify(fault.body ?? { message: 'injected fault' });
  response.writeHead(fault.status ?? 200, {
    'content-type': 'application/json; charset=utf-8',
    ...fault.headers,
  });
  response.end(text);
  return true;
}

/** Sends the real answer, or with `resetMidBody` its headers and half its body before destroying the connection. */
export function sendPossiblyReset(
  fault: StandinFault | null,
  response: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: Buffer | string,
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  if (fault?.resetMidBody) {
    response.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))));
    setTimeout(() => response.destroy(), 10);
    return;
  }
  response.end(bytes);
}

// The same breaker as subgraphs/kit/circuitBreaker.ts: the gateway talks to subgraphs over HTTP only and imports
// none of their code, the kit included.
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the circuit; 0 turns the breaker off. Default 5. */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before letting one trial call through. Default 30 s. */
  resetAfterMs?: number;
  /** Called on every change of state, e.g. to export it as a metric. */
  onStateChange?: (state: CircuitState) => void;
  /** The clock, for tests. */
  now?: () => number;
}

/**
 * A circuit breaker for one subgraph or upstream: after `failureThreshold` consecutive failures it stops calling for
 * `resetAfterMs` (callers fail at once instead of waiting on timeouts and piling load on a failing service),
 * then lets a single trial call through and closes again if it succeeds.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialStartedAt: number | null = null;
  private readonly threshold: number;
  private readonly resetAfterMs: number;
  private readonly now: () => number;
  /** The code of the last failure, which is what callers refused by an open circuit are told. */
  lastFailureCode: string | null = null;

  constructor(private readonly options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.resetAfterMs = options.resetAfterMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.resetAfterMs)
      this.transition('half-open');
    return this.current;
  }

  /** Milliseconds until an open circuit lets a trial call through; 0 when calls may go ahead. */
  retryInMs(): number {
    return this.state === 'open' ? Math.max(0, this.resetAfterMs - (this.now() - this.openedAt)) : 0;
  }

  /**
   * Whether a call may go ahead now. In half-open state only one trial call at a time goes ahead (a trial that
   * never reports back is given up after `resetAfterMs`).
   */
  tryAcquire(): boolean {
    if (this.threshold <= 0) return true;
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.trialStartedAt !== null && this.now() - this.trialStartedAt < this.resetAfterMs) return false;
    this.trialStartedAt = this.now();
    return true;
  }

  /** The upstream answered: the circuit closes and the failure count starts again. */
  onSuccess(): void {
    this.failures = 0;
    this.trialStartedAt = null;
    if (this.current !== 'closed') this.transition('closed');
  }

  /** The upstream failed (down, timed out, 5xx, 429). */
  onFailure(code: string): void {
    this.lastFailureCode = code;
    if (this.threshold <= 0) return;
    this.failures += 1;
    const trialFailed = this.current === 'half-open';
    this.trialStartedAt = null;
    if (trialFailed || this.failures >= this.threshold) {
      this.openedAt = this.now();
      if (this.current !== 'open') this.transition('open');
    }
  }

  private transition(state: CircuitState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }
}

/** The numeric value of a circuit state in metrics: 0 closed, 1 half-open, 2 open. */
export function circuitStateValue(state: CircuitState): number {
  return state === 'closed' ? 0 : state === 'half-open' ? 1 : 2;
}

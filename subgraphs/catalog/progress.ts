/** How far a running harvest has come; stored with the provider, so that every replica can show it. */
export interface HarvestProgress {
  mode: 'FULL' | 'INCREMENTAL';
  startedAt: string;
  records: number;
  pages: number;
  recordsPerSecond: number;
  /** Seconds left, estimated from the last full harvest's size; null when unknown (incremental, or first). */
  etaSeconds: number | null;
}

const numberFormat = new Intl.NumberFormat('en-US');

/** Counts a harvest's records and pages and describes its pace. */
export class ProgressMeter {
  private records = 0;
  private pages = 0;
  private readonly started = Date.now();

  constructor(
    private readonly mode: 'FULL' | 'INCREMENTAL',
    /** Records the harvest is expected to bring (the last full harvest's count), or null. */
    private readonly expected: number | null,
  ) {}

  addPage(records: number): void {
    this.records += records;
    this.pages += 1;
  }

  get elapsedMs(): number {
    return Date.now() - this.started;
  }

  snapshot(): HarvestProgress {
    const seconds = Math.max(this.elapsedMs / 1000, 0.001);
    const rate = this.records / seconds;
    const left = this.expected === null ? null : Math.max(this.expected - this.records, 0);
    return {
      mode: this.mode,
      startedAt: new Date(this.started).toISOString(),
      records: this.records,
      pages: this.pages,
      recordsPerSecond: Math.round(rate),
      etaSeconds: left === null || rate === 0 ? null : Math.round(left / rate),
    };
  }

  /** One console line: `credly FULL: 12,400 records, 25 pages, 2,310 records/s, ETA 40 s`. */
  line(provider: string): string {
    const progress = this.snapshot();
    const eta = progress.etaSeconds === null ? '' : `, ETA ${progress.etaSeconds} s`;
    return `harvesting ${provider} (${progress.mode.toLowerCase()}): ${numberFormat.format(progress.records)} records, ${numberFormat.format(progress.pages)} pages, ${numberFormat.format(progress.recordsPerSecond)} records/s${eta}`;
  }
}

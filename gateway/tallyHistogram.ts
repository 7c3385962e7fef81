import type { Registry } from 'prom-client';

/** One series of a {@link TallyHistogram}: its label, its bucket counts (not cumulative), sum and count. */
interface Series {
  labels: Record<string, string>;
  buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram with one label whose observation is a bucket search and three additions. prom-client's
 * own histogram converts, validates and hashes the labels on every observation, even through a bound child: on a
 * cached answer, the gateway's request metrics were a tenth of its CPU. This one registers in a prom-client
 * registry and reads exactly as a prom-client histogram does (`_bucket` with `le`, `_sum`, `_count`).
 */
export class TallyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** Counts one observation in the series with this label value. */
  observe(labelValue: string, value: number): void {
    let series = this.series.get(labelValue);
    if (!series) {
      series = {
        labels: { [this.labelName]: labelValue },
        buckets: new Float64Array(this.bounds.length),
        sum: 0,
        count: 0,
      };
      this.series.set(labelValue, series);
    }
    series.sum += value;
    series.count += 1;
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index++) {
      if (value <= bounds[index]!) {
        series.buckets[index]! += 1;
        return;
      }
    }
  }

  async get() {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const { labels, buckets, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += buckets[index]!;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...labels, le: bound },
          value: cumulative,
        });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}

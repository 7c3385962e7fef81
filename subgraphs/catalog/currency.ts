import { ConfigError } from '../kit/index.js';

/** The currency every cost is converted to at index time, and in which cost filters compare. */
export const BASE_CURRENCY = 'USD';

/** When the default rates were taken; see the catalog README. Operators set their own with CATALOG_CURRENCY_RATES. */
export const DEFAULT_RATES_DATE = '2025-12-01';

/**
 * US dollars for one unit of each currency: approximate mid-market rates on DEFAULT_RATES_DATE, rounded. Good
 * enough to compare course prices across currencies; not for accounting.
 */
export const DEFAULT_RATES: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 1.16,
  GBP: 1.32,
  CAD: 0.715,
  AUD: 0.655,
  NZD: 0.57,
  CHF: 1.245,
  JPY: 0.0064,
  CNY: 0.141,
  INR: 0.0112,
  SGD: 0.77,
  HKD: 0.1285,
  KRW: 0.00068,
  SEK: 0.106,
  NOK: 0.099,
  DKK: 0.155,
  PLN: 0.274,
  BRL: 0.187,
  MXN: 0.0545,
  ZAR: 0.058,
};

/** Converts costs between currencies through US dollars. Unknown currencies cannot be compared. */
export class CurrencyRates {
  constructor(readonly usdPerUnit: Readonly<Record<string, number>>) {}

  has(currency: string): boolean {
    return currency in this.usdPerUnit;
  }

  /** The amount in US dollars, or null for a currency the table does not know. A free credential is free in any. */
  toBase(amount: number, currency: string): number | null {
    if (amount === 0) return 0;
    const rate = this.usdPerUnit[currency];
    return rate === undefined ? null : amount * rate;
  }

  rate(currency: string): number | null {
    return this.usdPerUnit[currency] ?? null;
  }

  /** A stable text form, stored with the index so that a change of rates re-converts every cost. */
  fingerprint(): string {
    return Object.keys(this.usdPerUnit)
      .sort()
      .map((code) => `${code}=${this.usdPerUnit[code]}`)
      .join(',');
  }
}

/**
 * Reads `CATALOG_CURRENCY_RATES` (`EUR=1.16,GBP=1.32`: US dollars for one unit). Listed currencies override the
 * defaults and others keep their default rate; USD is always 1.
 */
export function parseCurrencyRates(text: string | null | undefined): CurrencyRates {
  const rates: Record<string, number> = { ...DEFAULT_RATES };
  for (const entry of (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([A-Z]{3})\s*=\s*([0-9]*\.?[0-9]+(?:e-?\d+)?)$/i.exec(entry);
    const rate = match ? Number(match[2]) : Number.NaN;
    if (!match || !(rate > 0)) {
      throw new ConfigError(
        `CATALOG_CURRENCY_RATES entries must read CODE=usd-per-unit, e.g. EUR=1.16; got ${JSON.stringify(entry)}`,
      );
    }
    rates[match[1]!.toUpperCase()] = rate;
  }
  rates[BASE_CURRENCY] = 1;
  return new CurrencyRates(rates);
}

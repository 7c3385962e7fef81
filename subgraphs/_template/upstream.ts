/**
 * The upstream API, as it answers: the raw shapes, with no interpretation.
 * TODO: replace these with your API's own shapes, field names and all. Keep them exactly as the API sends them
 * (snake_case included): mapping.ts is where they become the common schema.
 */

/** `GET items?page=&per_page=&updated_since=`: one page of the catalog. */
export interface ExemplarItemPage {
  items: ExemplarItem[];
  /** 1-based. */
  page: number;
  per_page: number;
  /** Items in the whole listing, across pages. */
  total: number;
  /** The next page's number, or null on the last page. */
  next_page: number | null;
}

/** `GET items?ids=a,b,c`: the items found, in the order asked; unknown ids are left out. */
export interface ExemplarItemBatch {
  items: ExemplarItem[];
}

/** The API's error body (401, 404, 400 …). */
export interface ExemplarErrorBody {
  error: { code: string; message: string };
}

/** One credential offering: a badge, certificate, certification or course. */
export interface ExemplarItem {
  /** Opaque, stable id, e.g. `itm-0001`. */
  id: string;
  title: string;
  /** Plain text or HTML. */
  summary: string | null;
  /** `badge`, `certificate`, `certification`, `course` or `program`. */
  kind: string;
  issuer: ExemplarIssuer;
  /** Free-text skill labels. */
  skills: string[];
  /** `technology`, `healthcare`, `manufacturing`, … (see mapping.ts), or null. */
  industry: string | null;
  /** `beginner`, `intermediate`, `advanced`, `expert`, or null. */
  level: string | null;
  /** Total effort in hours, or null when unknown. */
  hours: number | null;
  /** Null when the API does not say; an amount of 0 means free. */
  price: { amount: number; currency: string } | null;
  /** `online`, `in_person`, `blended`, or null. */
  delivery: string | null;
  /** ISO 639-1 code, e.g. `en`. */
  language: string | null;
  /** The item's public page. */
  url: string | null;
  image_url: string | null;
  /** Ids of the items this one is made of (a certification and the badges that stack into it), in order. */
  part_ids: string[];
  /** ISO 8601 date-time of the last change. */
  updated_at: string;
}

export interface ExemplarIssuer {
  id: string;
  name: string;
  website: string | null;
  /** Whether the API vouches for the issuer's identity. */
  verified: boolean;
}

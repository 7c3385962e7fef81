/**
 * Coursera's legacy public catalog API (Naptime), as it answers: the raw shapes, with no interpretation.
 * Naptime returns only the fields a request names in `fields` (plus a few defaults), so every field beyond
 * the defaults is optional here, even when our own requests always ask for it.
 */

/** The envelope of every Naptime collection answer. */
export interface NaptimeEnvelope<TElement, TLinked = NaptimeLinked> {
  elements: TElement[];
  /** `next` is the next `start`, as a string, absent on the last page. Empty (`{}`) for multi-gets. */
  paging: NaptimePaging;
  /** Related resources requested with `includes`, by resource name. Absent without `includes`. */
  linked?: TLinked;
}

export interface NaptimePaging {
  next?: string;
  total?: number;
}

export interface NaptimeLinked {
  'partners.v1'?: CourseraPartner[];
}

/** Naptime's error body (401, 404, 400 …). */
export interface NaptimeErrorBody {
  errorCode: string | null;
  message: string | null;
  details: unknown;
}

/** `courses.v1`: id, slug, courseType and name always come back; the rest only when asked for in `fields`. */
export interface CourseraCourse {
  /** Opaque id, e.g. `Gtv4Xb1-EeS-ViIACwYKVQ`. */
  id: string;
  slug: string;
  /** `v2.ondemand` for today's self-paced courses; `v1.session` for the retired session-based ones. */
  courseType: string;
  name: string;
  /** Free text, sometimes with HTML markup. */
  description?: string;
  /** Free-text effort: "4-6 hours/week", "Approx. 13 hours to complete", … */
  workload?: string;
  /** Language codes as Coursera writes them: `en`, `es`, `zh-CN`. */
  primaryLanguages?: string[];
  subtitleLanguages?: string[];
  partnerIds?: string[];
  domainTypes?: CourseraDomainType[];
  /** What a learner can earn: `VerifiedCert`, `Specialization`; empty for audit-only courses. */
  certificates?: string[];
  instructorIds?: string[];
  /** Ids of the `onDemandSpecializations.v1` this course belongs to. */
  specializations?: string[];
  photoUrl?: string;
}

export interface CourseraDomainType {
  /** `computer-science`, `data-science`, `information-technology`, `health`, `business`, … */
  domainId: string;
  subdomainId?: string;
}

/** `partners.v1`: the universities and companies that offer courses. id, name and shortName by default. */
export interface CourseraPartner {
  /** A number, as a string: `"14"`. */
  id: string;
  name: string;
  shortName?: string;
  homeLink?: string;
  description?: string;
  location?: string;
  logo?: string;
}

/** `onDemandSpecializations.v1`: a sequence of courses that leads to a specialization certificate. */
export interface CourseraSpecialization {
  id: string;
  slug: string;
  name: string;
  courseIds?: string[];
  partnerIds?: string[];
  tagline?: string;
  description?: string;
}

export type CoursesEnvelope = NaptimeEnvelope<CourseraCourse>;
export type PartnersEnvelope = NaptimeEnvelope<CourseraPartner>;
export type SpecializationsEnvelope = NaptimeEnvelope<CourseraSpecialization>;

/**
 * Credly Web Service API v1 payloads, exactly as the API returns them (snake_case, nullable where Credly
 * leaves fields out). Nothing here is interpreted: `mapping.ts` and `details.ts` do that.
 */

/** `GET organizations/{org}` → `{data: CredlyOrganization, metadata: {}}`. */
export interface CredlyOrganization {
  id: string;
  name: string;
  /** Credly's public page of the organization, e.g. `https://www.credly.com/org/acme`. */
  vanity_url?: string | null;
  website_url?: string | null;
  /** Whether Credly has verified the organization's identity. */
  verified?: boolean | null;
  location?: string | null;
  photo_url?: string | null;
  contact_email?: string | null;
  badge_templates_count?: number | null;
}

export type CredlyTemplateState = 'active' | 'archived' | 'draft';

/** A skill on a template. Older payloads carry bare strings instead of objects. */
export interface CredlySkill {
  id: string;
  name: string;
  vanity_slug?: string | null;
}

export interface CredlyAlignment {
  name: string;
  url?: string | null;
  description?: string | null;
  code?: string | null;
}

/** Another template referred to by `recommendations` or `required_badge_templates`; ids alone in some payloads. */
export interface CredlyTemplateReference {
  id: string;
  name?: string | null;
  vanity_slug?: string | null;
  url?: string | null;
}

export interface CredlyActivity {
  id: string;
  title: string;
  /** `Education`, `Assessment`, `Experience`, `Badge`, … (free-form at Credly). */
  activity_type?: string | null;
  url?: string | null;
  /** Set when the activity is "earn that other badge": a stacking prerequisite. */
  required_badge_template_id?: string | null;
}

export interface CredlyOwner {
  type?: string | null;
  id: string;
  name: string;
  vanity_url?: string | null;
  verified?: boolean | null;
}

/** A badge template: what an organization issues badges against, and what credgraph calls a credential. */
export interface CredlyBadgeTemplate {
  id: string;
  name: string;
  description?: string | null;
  state: CredlyTemplateState | string;
  public: boolean;
  image_url?: string | null;
  url?: string | null;
  vanity_slug?: string | null;
  /** Free text in Credly; in practice `Foundational`, `Intermediate`, `Advanced`. */
  level?: string | null;
  /** A coarse unit only: `Hours`, `Days`, `Weeks`, `Months` or `Years`. */
  time_to_earn?: string | null;
  /** `Free` or `Paid`; Credly carries no amount. */
  cost?: string | null;
  /** `Experience`, `Learning`, `Validation` or `Certification`. */
  type_category?: string | null;
  skills?: Array<CredlySkill | string> | null;
  alignments?: CredlyAlignment[] | null;
  recommendations?: Array<CredlyTemplateReference | string> | null;
  required_badge_templates?: Array<CredlyTemplateReference | string> | null;
  badge_template_activities?: CredlyActivity[] | null;
  owner?: CredlyOwner | null;
  reporting_tags?: string[] | null;
  show_badge_lmi?: boolean | null;
  show_lmi_jobs?: boolean | null;
  created_at?: string | null;
  updated_at?: string | null;
}

/** Pagination metadata of list endpoints. Only `next_page_url` is confirmed for the real API. */
export interface CredlyPageMetadata {
  count?: number;
  current_page?: number;
  total_count?: number;
  total_pages?: number;
  per?: number;
  previous_page_url?: string | null;
  /** Absolute URL of the next page, or null on the last page. */
  next_page_url?: string | null;
}

export interface CredlyListEnvelope<T> {
  data: T[];
  metadata: CredlyPageMetadata;
}

export interface CredlyItemEnvelope<T> {
  data: T;
  metadata?: Record<string, unknown>;
}

/** The body of every Credly error response (400/401/403/404/410/422/5xx). */
export interface CredlyErrorBody {
  data: { message: string };
}

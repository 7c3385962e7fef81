import {
  type CredentialRecord,
  type CredentialRelationRecord,
  type CredentialType,
  credentialId,
  type IdentifierRecord,
  type IssuerRecord,
  type Level,
  type MoneyRecord,
  type SkillAlignmentRecord,
} from '../../schema/index.js';
import { httpUrlOrNull, isoDateTime, plainText, sectorsFromTags } from '../kit/index.js';
import { isCredlyId } from './config.js';
import type { CredlyActivity, CredlyBadgeTemplate, CredlyOrganization, CredlySkill } from './upstream.js';

/**
 * Credly badge templates → the common schema. Pure: no I/O, no clock (the caller passes `fetchedAt`). Every
 * choice below is documented, field by field, in README.md ("Mapping").
 */

export const CREDLY_PROVIDER_ID = 'credly';

export function credlyTemplateId(templateId: string): string {
  return credentialId(CREDLY_PROVIDER_ID, 'template', templateId);
}

export function credlyOrganizationId(organizationId: string): string {
  return credentialId(CREDLY_PROVIDER_ID, 'org', organizationId);
}

/** What the mapping cannot know on its own, and the feed tells it. */
export interface CredlyMappingContext {
  /**
   * Whether the feed publishes the template with this id (active and public). Prerequisites it does not
   * publish become no relation, since the catalog would never hold their target. Without it, every
   * prerequisite the template names becomes one.
   */
  isFeedableTemplate?: (templateId: string) => boolean;
}

/** One template as a common-schema record; `organization` is the one the template was listed under. */
export function toCredentialRecord(
  template: CredlyBadgeTemplate,
  organization: CredlyOrganization,
  fetchedAt: string,
  context: CredlyMappingContext = {},
): CredentialRecord {
  const url = httpUrlOrNull(template.url);
  return {
    id: credlyTemplateId(template.id),
    name: template.name?.trim() ?? '',
    description: plainText(template.description),
    credentialType: credentialTypeOf(template.type_category),
    sourceTypes: template.type_category?.trim() ? [template.type_category.trim()] : [],
    issuer: issuerOf(template, organization),
    provider: CREDLY_PROVIDER_ID,
    url,
    image: httpUrlOrNull(template.image_url),
    skills: skillsOf(template.skills),
    sectors: sectorsOf(template.reporting_tags),
    level: levelOf(template.level),
    estimatedDuration: effortOf(template.badge_template_activities),
    cost: costOf(template.cost),
    deliveryMode: null,
    languages: ['en'],
    updatedAt: isoDateTime(template.updated_at, isoDateTime(template.created_at, fetchedAt)),
    provenance: { provider: CREDLY_PROVIDER_ID, upstreamId: template.id, url, fetchedAt, raw: template },
    relations: relationsOf(template, context.isFeedableTemplate ?? (() => true)),
    identifiers: identifiersOf(template),
  };
}

/**
 * The templates one must hold before earning this one, as Credly ids in Credly's order: those in
 * `required_badge_templates` (objects or bare ids), then any only an "earn that badge" activity names. Ids
 * that are not Credly UUIDs, repeats and the template itself are left out.
 */
export function requiredTemplateIds(template: CredlyBadgeTemplate): string[] {
  const fromRequirements = (template.required_badge_templates ?? []).map((reference) =>
    typeof reference === 'string' ? reference : reference?.id,
  );
  const fromActivities = (template.badge_template_activities ?? []).map(
    (activity) => activity?.required_badge_template_id,
  );
  const seen = new Set([String(template.id).toLowerCase()]);
  const ids: string[] = [];
  for (const id of [...fromRequirements, ...fromActivities]) {
    if (typeof id !== 'string' || !isCredlyId(id) || seen.has(id.toLowerCase())) continue;
    seen.add(id.toLowerCase());
    ids.push(id);
  }
  return ids;
}

/**
 * Stacking: each prerequisite the feed publishes is PREPARED_BY (it prepares for this template), so that the
 * catalog answers the prerequisite's `preparesFor` with this one. Credly gives prerequisites no order.
 */
export function relationsOf(
  template: CredlyBadgeTemplate,
  isFeedableTemplate: (templateId: string) => boolean,
): CredentialRelationRecord[] {
  return requiredTemplateIds(template)
    .filter((id) => isFeedableTemplate(id))
    .map((id) => ({ type: 'PREPARED_BY', target: credlyTemplateId(id), order: null }));
}

/** The template id (shared by every copy of the template, whoever lists it) and its public page. */
export function identifiersOf(template: CredlyBadgeTemplate): IdentifierRecord[] {
  const identifiers: IdentifierRecord[] = [{ scheme: 'CREDLY_TEMPLATE', value: template.id }];
  const url = httpUrlOrNull(template.url);
  if (url) identifiers.push({ scheme: 'URL', value: url });
  return identifiers;
}

const CREDENTIAL_TYPES_BY_CATEGORY: Record<string, CredentialType> = {
  certification: 'CERTIFICATION',
  // Earned by completing a course or training program.
  learning: 'CERTIFICATE_OF_COMPLETION',
  // Earned by passing an assessment of skills, without a certification's scope or upkeep.
  validation: 'ASSESSMENT',
  // Earned by participation or experience (events, service, memberships).
  experience: 'BADGE',
};

/** Credly `type_category` → credential type; anything else is still a badge, which every template is. */
export function credentialTypeOf(typeCategory: string | null | undefined): CredentialType {
  return CREDENTIAL_TYPES_BY_CATEGORY[typeCategory?.trim().toLowerCase() ?? ''] ?? 'BADGE';
}

const LEVELS_BY_LABEL: Record<string, Level> = {
  foundational: 'INTRODUCTORY',
  foundation: 'INTRODUCTORY',
  fundamentals: 'INTRODUCTORY',
  introductory: 'INTRODUCTORY',
  beginner: 'INTRODUCTORY',
  basic: 'INTRODUCTORY',
  entry: 'INTRODUCTORY',
  'entry level': 'INTRODUCTORY',
  intermediate: 'INTERMEDIATE',
  associate: 'INTERMEDIATE',
  advanced: 'ADVANCED',
  professional: 'ADVANCED',
  expert: 'EXPERT',
  master: 'EXPERT',
};

/** Credly's free-text `level` → level band; null for labels we do not recognise rather than a guess. */
export function levelOf(level: string | null | undefined): Level | null {
  const key = level
    ?.trim()
    .toLowerCase()
    .replace(/[-_\s]+/g, ' ');
  return key ? (LEVELS_BY_LABEL[key] ?? null) : null;
}

/**
 * Credly's `cost` says only "Free" or "Paid". Free is exactly an amount of 0 (USD, so that a maximum-cost
 * filter in USD keeps free credentials); for "Paid" the amount is unknown, so null.
 */
export function costOf(cost: string | null | undefined): MoneyRecord | null {
  return cost?.trim().toLowerCase() === 'free' ? { amount: 0, currency: 'USD' } : null;
}

/** Sectors from the organization's `reporting_tags` (only tags that name a sector count). */
export const sectorsOf = sectorsFromTags;

/** Template skills as provider-framework alignments, deduplicated by label; old payloads list bare strings. */
export function skillsOf(
  skills: ReadonlyArray<CredlySkill | string> | null | undefined,
): SkillAlignmentRecord[] {
  const byLabel = new Map<string, SkillAlignmentRecord>();
  for (const skill of skills ?? []) {
    const label = (typeof skill === 'string' ? skill : skill?.name)?.trim();
    if (!label || byLabel.has(label.toLowerCase())) continue;
    const code = typeof skill === 'string' ? null : (skill.id ?? null);
    byLabel.set(label.toLowerCase(), { label, framework: 'PROVIDER', code, url: null });
  }
  return [...byLabel.values()];
}

function issuerOf(template: CredlyBadgeTemplate, organization: CredlyOrganization): IssuerRecord {
  const owner = template.owner;
  // A template may be owned by another organization that authorized this one to issue it: the owner is the
  // issuer of record.
  if (owner?.id && owner.name && owner.id !== organization.id) {
    return {
      id: credlyOrganizationId(owner.id),
      name: owner.name,
      url: httpUrlOrNull(owner.vanity_url),
      verified: owner.verified ?? null,
    };
  }
  return {
    id: credlyOrganizationId(organization.id),
    name: organization.name,
    url: httpUrlOrNull(organization.website_url) ?? httpUrlOrNull(organization.vanity_url),
    verified: organization.verified ?? owner?.verified ?? null,
  };
}

type EffortUnit = 'Y' | 'MO' | 'W' | 'D' | 'H' | 'MIN';

const EFFORT_UNITS: Record<string, EffortUnit> = {
  year: 'Y',
  month: 'MO',
  week: 'W',
  day: 'D',
  hour: 'H',
  hr: 'H',
  minute: 'MIN',
  min: 'MIN',
};

const STATED_EFFORT =
  /(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)[\s-]*(year|month|week|day|hour|hr|minute|min)s?\b/gi;

/**
 * Effort as an ISO 8601 duration, from the amounts the issuer states in its activity titles ("Complete the
 * 40-hour course", "Pass the 130-minute exam"). Credly's own `time_to_earn` is only a unit ("Weeks"), which
 * would invent a number. The sum is used only when every activity of the template's own (not "earn that
 * other badge") states an amount; otherwise part of the effort is unknown and the answer is null.
 */
export function effortOf(activities: readonly CredlyActivity[] | null | undefined): string | null {
  const own = (activities ?? []).filter((activity) => !activity.required_badge_template_id);
  if (own.length === 0) return null;
  const totals: Record<EffortUnit, number> = { Y: 0, MO: 0, W: 0, D: 0, H: 0, MIN: 0 };
  for (const activity of own) {
    const matches = [...(activity.title ?? '').matchAll(STATED_EFFORT)];
    if (matches.length === 0) return null;
    for (const [, amount, unit] of matches) {
      const key = EFFORT_UNITS[(unit ?? '').toLowerCase()];
      if (key) totals[key] += Number((amount ?? '0').replace(/,/g, ''));
    }
  }
  const minutes = totals.H * 60 + totals.MIN;
  const hours = Math.floor(minutes / 60);
  const restMinutes = Math.round((minutes - hours * 60) * 100) / 100;
  const date = part(totals.Y, 'Y') + part(totals.MO, 'M') + part(totals.W, 'W') + part(totals.D, 'D');
  const time = part(hours, 'H') + part(restMinutes, 'M');
  if (!date && !time) return null;
  return `P${date}${time ? `T${time}` : ''}`;
}

function part(amount: number, designator: string): string {
  return amount > 0 ? `${amount}${designator}` : '';
}

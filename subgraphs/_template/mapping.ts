import {
  type CredentialRecord,
  type CredentialType,
  credentialId,
  type DeliveryMode,
  hoursToDuration,
  type Level,
  type Sector,
} from '../../schema/index.js';
import { httpUrlOrNull, isoDateTime, languageTag, plainText, uniqueStrings } from '../kit/index.js';
import { PROVIDER_ID } from './config.js';
import type { ExemplarItem } from './upstream.js';

/** The kind of id every item gets: `exemplar:item:<upstream id>`. TODO: one kind per resource you serve. */
export const ITEM_KIND = 'item';

/** TODO: your API's own type labels. A kind not listed here maps to OTHER (README "Mapping"). */
export const KIND_TYPES: Readonly<Record<string, CredentialType>> = {
  badge: 'BADGE',
  certificate: 'CERTIFICATE',
  certification: 'CERTIFICATION',
  course: 'COURSE',
  program: 'LEARNING_PROGRAM',
};

/** TODO: your API's industries or subjects. One not listed here maps to OTHER. */
export const INDUSTRY_SECTORS: Readonly<Record<string, readonly Sector[]>> = {
  technology: ['TECHNOLOGY'],
  cybersecurity: ['TECHNOLOGY'],
  healthcare: ['HEALTHCARE'],
  manufacturing: ['ADVANCED_MANUFACTURING'],
  business: ['BUSINESS'],
  finance: ['FINANCE'],
  logistics: ['LOGISTICS'],
  energy: ['ENERGY'],
  construction: ['CONSTRUCTION'],
  education: ['EDUCATION'],
};

/** TODO: your API's levels. One not listed here maps to null (unknown). */
export const LEVELS: Readonly<Record<string, Level>> = {
  beginner: 'INTRODUCTORY',
  intermediate: 'INTERMEDIATE',
  advanced: 'ADVANCED',
  expert: 'EXPERT',
};

/** TODO: your API's delivery modes. One not listed here maps to null (unknown). */
export const DELIVERY_MODES: Readonly<Record<string, DeliveryMode>> = {
  online: 'ONLINE',
  in_person: 'IN_PERSON',
  blended: 'BLENDED',
};

/** The global id of an item: `exemplar:item:<id>`. */
export function itemId(upstreamId: string): string {
  return credentialId(PROVIDER_ID, ITEM_KIND, upstreamId);
}

/**
 * An item in the common schema. Pure: the fetch time comes in as an argument, so the same input always maps
 * to the same record. A malformed item becomes a record the feed reports under `rejected` with reasons (an
 * empty name, say), never an exception that stops the page.
 */
export function toCredentialRecord(item: ExemplarItem, fetchedAt: string): CredentialRecord {
  const url = httpUrlOrNull(item.url);
  return {
    id: itemId(item.id),
    name: item.title?.trim() ?? '',
    description: plainText(item.summary),
    credentialType: KIND_TYPES[item.kind] ?? 'OTHER',
    sourceTypes: item.kind ? [item.kind] : [],
    issuer: {
      id: item.issuer?.id ? credentialId(PROVIDER_ID, 'issuer', item.issuer.id) : '',
      name: item.issuer?.name?.trim() ?? '',
      url: httpUrlOrNull(item.issuer?.website),
      verified: typeof item.issuer?.verified === 'boolean' ? item.issuer.verified : null,
    },
    provider: PROVIDER_ID,
    url,
    image: httpUrlOrNull(item.image_url),
    skills: uniqueStrings((item.skills ?? []).map((label) => label.trim()).filter(Boolean)).map((label) => ({
      label,
      framework: 'PROVIDER' as const,
      code: null,
      url: null,
    })),
    sectors: item.industry ? [...(INDUSTRY_SECTORS[item.industry] ?? ['OTHER'])] : [],
    level: (item.level && LEVELS[item.level]) || null,
    estimatedDuration: typeof item.hours === 'number' && item.hours > 0 ? hoursToDuration(item.hours) : null,
    cost: item.price ? { amount: item.price.amount, currency: item.price.currency.toUpperCase() } : null,
    deliveryMode: (item.delivery && DELIVERY_MODES[item.delivery]) || null,
    languages: item.language ? [languageTag(item.language)].filter((tag): tag is string => tag !== null) : [],
    updatedAt: isoDateTime(item.updated_at, fetchedAt),
    provenance: { provider: PROVIDER_ID, upstreamId: item.id, url, fetchedAt },
    relations: (item.part_ids ?? []).map((partId, order) => ({
      type: 'HAS_PART' as const,
      target: itemId(partId),
      order,
    })),
  };
}

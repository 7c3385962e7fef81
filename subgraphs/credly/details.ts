import { httpUrlOrNull } from '../kit/index.js';
import { credlyTemplateId } from './mapping.js';
import type { CredlyBadgeTemplate, CredlyTemplateReference } from './upstream.js';

/**
 * `Credential.credly`: a Credly badge template as Credly describes it, resolved live. Raw values stay raw
 * (`level: "Foundational"`, `timeToEarn: "Weeks"`); the normalized ones are the catalog's common fields.
 */
export const credlyDetailsTypeDefs = /* GraphQL */ `
"""A Credly badge template, live from Credly's API (raw provider details)."""
type CredlyBadgeTemplate {
  "Credly's template UUID."
  id: ID!
  name: String!
  description: String
  "active, archived or draft."
  state: String!
  public: Boolean!
  "The template's public page on Credly."
  url: String
  vanitySlug: String
  imageUrl: String
  "Credly's own level label, e.g. Foundational, Intermediate, Advanced."
  level: String
  "A coarse unit only: Hours, Days, Weeks, Months or Years."
  timeToEarn: String
  "Free or Paid; Credly gives no amount."
  cost: String
  "Experience, Learning, Validation or Certification."
  typeCategory: String
  skills: [CredlySkill!]!
  "Alignments to external frameworks, such as O*NET occupations."
  alignments: [CredlyAlignment!]!
  "Templates Credly suggests earning next."
  recommendations: [CredlyTemplateRef!]!
  "Templates an earner must hold first (stacking prerequisites)."
  requiredBadgeTemplates: [CredlyTemplateRef!]!
  "What an earner does to earn the badge."
  activities: [CredlyActivity!]!
  "The organization that owns the template."
  owner: CredlyOwner
  reportingTags: [String!]!
  createdAt: String
  updatedAt: String
}

type CredlySkill {
  "Credly's skill id; null in older payloads that list skills as bare names."
  id: ID
  name: String!
  vanitySlug: String
}

type CredlyAlignment {
  name: String!
  url: String
  description: String
  code: String
}

type CredlyTemplateRef {
  "Credly's template UUID."
  id: ID!
  name: String
  url: String
  "The same template as a credgraph credential (null when the catalog does not list it)."
  credential: Credential
}

type CredlyActivity {
  id: ID!
  title: String!
  "Education, Assessment, Experience, Badge, … as Credly labels it."
  activityType: String
  url: String
  "Set when the activity is earning another badge: that template's UUID."
  requiredBadgeTemplateId: ID
}

type CredlyOwner {
  id: ID!
  name: String!
  type: String
  vanityUrl: String
  verified: Boolean
}
`;

export interface CredlyTemplateRefDetails {
  id: string;
  name: string | null;
  url: string | null;
}

/** The resolved shape of `CredlyBadgeTemplate`. */
export interface CredlyBadgeTemplateDetails {
  id: string;
  name: string;
  description: string | null;
  state: string;
  public: boolean;
  url: string | null;
  vanitySlug: string | null;
  imageUrl: string | null;
  level: string | null;
  timeToEarn: string | null;
  cost: string | null;
  typeCategory: string | null;
  skills: Array<{ id: string | null; name: string; vanitySlug: string | null }>;
  alignments: Array<{ name: string; url: string | null; description: string | null; code: string | null }>;
  recommendations: CredlyTemplateRefDetails[];
  requiredBadgeTemplates: CredlyTemplateRefDetails[];
  activities: Array<{
    id: string;
    title: string;
    activityType: string | null;
    url: string | null;
    requiredBadgeTemplateId: string | null;
  }>;
  owner: {
    id: string;
    name: string;
    type: string | null;
    vanityUrl: string | null;
    verified: boolean | null;
  } | null;
  reportingTags: string[];
  createdAt: string | null;
  updatedAt: string | null;
}

/** Pure: a raw template as the details the GraphQL type serves. */
export function toDetails(template: CredlyBadgeTemplate): CredlyBadgeTemplateDetails {
  const owner = template.owner;
  return {
    id: template.id,
    name: template.name,
    description: template.description ?? null,
    state: template.state,
    public: template.public === true,
    url: httpUrlOrNull(template.url),
    vanitySlug: template.vanity_slug ?? null,
    imageUrl: httpUrlOrNull(template.image_url),
    level: template.level ?? null,
    timeToEarn: template.time_to_earn ?? null,
    cost: template.cost ?? null,
    typeCategory: template.type_category ?? null,
    skills: (template.skills ?? []).flatMap((skill): CredlyBadgeTemplateDetails['skills'] => {
      if (typeof skill === 'string') return skill.trim() ? [{ id: null, name: skill, vanitySlug: null }] : [];
      return skill?.name
        ? [{ id: skill.id ?? null, name: skill.name, vanitySlug: skill.vanity_slug ?? null }]
        : [];
    }),
    alignments: (template.alignments ?? [])
      .filter((alignment) => alignment?.name)
      .map((alignment) => ({
        name: alignment.name,
        url: httpUrlOrNull(alignment.url),
        description: alignment.description ?? null,
        code: alignment.code ?? null,
      })),
    recommendations: templateRefs(template.recommendations),
    requiredBadgeTemplates: templateRefs(template.required_badge_templates),
    activities: (template.badge_template_activities ?? [])
      .filter((activity) => activity?.id && activity.title)
      .map((activity) => ({
        id: activity.id,
        title: activity.title,
        activityType: activity.activity_type ?? null,
        url: httpUrlOrNull(activity.url),
        requiredBadgeTemplateId: activity.required_badge_template_id ?? null,
      })),
    owner:
      owner?.id && owner.name
        ? {
            id: owner.id,
            name: owner.name,
            type: owner.type ?? null,
            vanityUrl: httpUrlOrNull(owner.vanity_url),
            verified: owner.verified ?? null,
          }
        : null,
    reportingTags: (template.reporting_tags ?? []).filter((tag): tag is string => typeof tag === 'string'),
    createdAt: template.created_at ?? null,
    updatedAt: template.updated_at ?? null,
  };
}

function templateRefs(
  refs: ReadonlyArray<CredlyTemplateReference | string> | null | undefined,
): CredlyTemplateRefDetails[] {
  return (refs ?? []).flatMap((ref) => {
    if (typeof ref === 'string') return ref ? [{ id: ref, name: null, url: null }] : [];
    return ref?.id ? [{ id: ref.id, name: ref.name ?? null, url: httpUrlOrNull(ref.url) }] : [];
  });
}

/** Resolvers for fields that are not plain properties of the details object. */
export const credlyDetailsResolvers = {
  CredlyTemplateRef: {
    // A reference the gateway completes from the catalog, which owns Credential's common fields.
    credential: (ref: CredlyTemplateRefDetails) => ({ id: credlyTemplateId(ref.id) }),
  },
};

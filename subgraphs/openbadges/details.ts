import { creatorIdOf, languageOf } from './mapping.js';
import { type ObAchievement, type ObImage, type ObProfile, toArray } from './upstream.js';

/** The GraphQL name of the Open Badges field type on `Credential`. */
export const DETAILS_TYPE_NAME = 'OpenBadgesAchievement';

/**
 * Live, raw details of an Open Badges 3.0 Achievement, named as the OB 3.0 data model names them. Types are
 * prefixed `OpenBadges` so that they never collide with another subgraph's in the supergraph.
 */
export const detailsTypeDefs = /* GraphQL */ `
"""An Open Badges 3.0 Achievement, live from its issuer's host, with OB 3.0's own field names and values."""
type OpenBadgesAchievement {
  "The achievement's OB id: an https URL (its JSON-LD document) or a URN."
  id: ID!
  "JSON-LD types; always includes Achievement."
  type: [String!]!
  "MicroCredential, Badge, Certificate, Certification, Course, … or an ext: extension; null when not stated."
  achievementType: String
  name: String!
  description: String
  criteria: OpenBadgesCriteria
  alignments: [OpenBadgesAlignment!]!
  "The Profile that defined the achievement, fetched from the host when the achievement gives only its id."
  creator: OpenBadgesProfile
  "Credit hours the achievement is worth (not an effort estimate)."
  creditsAvailable: Float
  fieldOfStudy: String
  specialization: String
  "The code the issuer displays for the achievement, e.g. a course code."
  humanCode: String
  version: String
  "BCP 47 language tag."
  inLanguage: String
  tags: [String!]!
  image: OpenBadgesImage
  "Other achievements it names: its parts, or other editions (those carry inLanguage or version)."
  related: [OpenBadgesRelated!]!
  otherIdentifiers: [OpenBadgesIdentifierEntry!]!
  "How many endorsements (EndorsementCredentials) the achievement carries."
  endorsementCount: Int!
  "The Achievement exactly as the host served it: its JSON-LD document, serialized as JSON."
  document: String!
}

"""What an earner must do; the narrative is Markdown."""
type OpenBadgesCriteria {
  "A human-readable page of the criteria."
  id: String
  narrative: String
}

"""An alignment to a competency, a credential or a standard in a framework."""
type OpenBadgesAlignment {
  targetName: String!
  targetUrl: String!
  targetDescription: String
  targetCode: String
  targetFramework: String
  "ceasn:Competency, ceterms:Credential, CFItem, CFRubric, CTDL, … or an ext: extension."
  targetType: String
}

"""An Open Badges Profile: the issuer, or the organisation above it."""
type OpenBadgesProfile {
  id: ID!
  name: String
  "The organisation's home page."
  url: String
  email: String
  phone: String
  description: String
  image: OpenBadgesImage
  "The authorised official who signs for the issuer."
  official: String
  parentOrg: OpenBadgesProfile
}

"""An image: a URL or a data: URI."""
type OpenBadgesImage {
  id: String!
  caption: String
}

"""Another achievement named in related."""
type OpenBadgesRelated {
  id: ID!
  inLanguage: String
  version: String
}

"""An identifier of the achievement in another system."""
type OpenBadgesIdentifierEntry {
  identifier: String!
  identifierType: String!
}
`;

export interface OpenBadgesImageDetails {
  id: string;
  caption: string | null;
}

export interface OpenBadgesProfileDetails {
  id: string;
  name: string | null;
  url: string | null;
  email: string | null;
  phone: string | null;
  description: string | null;
  image: OpenBadgesImageDetails | null;
  official: string | null;
  parentOrg: OpenBadgesProfileDetails | null;
}

export interface OpenBadgesAchievementDetails {
  id: string;
  type: string[];
  achievementType: string | null;
  name: string;
  description: string | null;
  criteria: { id: string | null; narrative: string | null } | null;
  alignments: Array<{
    targetName: string;
    targetUrl: string;
    targetDescription: string | null;
    targetCode: string | null;
    targetFramework: string | null;
    targetType: string | null;
  }>;
  creator: OpenBadgesProfileDetails | null;
  creditsAvailable: number | null;
  fieldOfStudy: string | null;
  specialization: string | null;
  humanCode: string | null;
  version: string | null;
  inLanguage: string | null;
  tags: string[];
  image: OpenBadgesImageDetails | null;
  related: Array<{ id: string; inLanguage: string | null; version: string | null }>;
  otherIdentifiers: Array<{ identifier: string; identifierType: string }>;
  endorsementCount: number;
  document: string;
}

/**
 * The details of an achievement, with its creator as a full Profile when the host gave one (see
 * `resolveCreator`); a creator known only by id keeps just its id.
 */
export function toDetails(
  achievement: ObAchievement,
  creator: ObProfile | null,
): OpenBadgesAchievementDetails {
  const creatorId = creatorIdOf(achievement);
  return {
    id: achievement.id,
    type: toArray(achievement.type),
    achievementType: achievement.achievementType ?? null,
    name: achievement.name,
    description: achievement.description ?? null,
    criteria: achievement.criteria
      ? { id: achievement.criteria.id ?? null, narrative: achievement.criteria.narrative ?? null }
      : null,
    alignments: (achievement.alignment ?? []).map((alignment) => ({
      targetName: alignment.targetName,
      targetUrl: alignment.targetUrl,
      targetDescription: alignment.targetDescription ?? null,
      targetCode: alignment.targetCode ?? null,
      targetFramework: alignment.targetFramework ?? null,
      targetType: alignment.targetType ?? null,
    })),
    creator: creator ? profileDetails(creator) : creatorId ? profileDetails(creatorId) : null,
    creditsAvailable: typeof achievement.creditsAvailable === 'number' ? achievement.creditsAvailable : null,
    fieldOfStudy: achievement.fieldOfStudy ?? null,
    specialization: achievement.specialization ?? null,
    humanCode: achievement.humanCode ?? null,
    version: achievement.version ?? null,
    inLanguage: languageOf(achievement),
    tags: achievement.tag ?? [],
    image: imageDetails(achievement.image),
    related: (achievement.related ?? []).map((related) => ({
      id: related.id,
      inLanguage: related.inLanguage ?? related['@language'] ?? null,
      version: related.version ?? null,
    })),
    otherIdentifiers: (achievement.otherIdentifier ?? []).map((entry) => ({
      identifier: entry.identifier,
      identifierType: entry.identifierType,
    })),
    endorsementCount: achievement.endorsement?.length ?? 0,
    document: JSON.stringify(achievement),
  };
}

function profileDetails(profile: ObProfile | string): OpenBadgesProfileDetails {
  if (typeof profile === 'string') {
    return {
      id: profile,
      name: null,
      url: null,
      email: null,
      phone: null,
      description: null,
      image: null,
      official: null,
      parentOrg: null,
    };
  }
  return {
    id: profile.id,
    name: profile.name ?? null,
    url: profile.url ?? null,
    email: profile.email ?? null,
    phone: profile.phone ?? null,
    description: profile.description ?? null,
    image: imageDetails(profile.image),
    official: profile.official ?? null,
    parentOrg: profile.parentOrg ? profileDetails(profile.parentOrg) : null,
  };
}

function imageDetails(image: ObImage | string | undefined): OpenBadgesImageDetails | null {
  if (typeof image === 'string') return image ? { id: image, caption: null } : null;
  return image?.id ? { id: image.id, caption: image.caption ?? null } : null;
}

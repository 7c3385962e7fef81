import { itemId } from './mapping.js';
import type { ExemplarItem } from './upstream.js';

/** The GraphQL name of this provider's field type on `Credential`. */
export const DETAILS_TYPE_NAME = 'ExemplarItem';

/**
 * Live, raw details of an item, named as the upstream names them, for clients that want more than the common
 * fields. Types are prefixed `Exemplar` so that they never collide with another subgraph's in the supergraph.
 * TODO: the fields of your API that are worth showing as they are.
 */
export const detailsTypeDefs = /* GraphQL */ `
"""An item, live from the Exemplar API, with its own field names and values."""
type ExemplarItem {
  "The API's own id."
  id: ID!
  title: String!
  summary: String
  "badge, certificate, certification, course or program."
  kind: String!
  issuer: ExemplarIssuer!
  skills: [String!]!
  industry: String
  level: String
  "Total effort in hours."
  hours: Float
  price: ExemplarPrice
  delivery: String
  language: String
  url: String
  imageUrl: String
  "Global ids of the items this one is made of, in order."
  partIds: [ID!]!
  updatedAt: String!
}

"""An organization that issues items on the Exemplar API."""
type ExemplarIssuer {
  id: ID!
  name: String!
  website: String
  verified: Boolean!
}

"""A price as the Exemplar API states it."""
type ExemplarPrice {
  amount: Float!
  currency: String!
}
`;

export interface ExemplarItemDetails {
  id: string;
  title: string;
  summary: string | null;
  kind: string;
  issuer: { id: string; name: string; website: string | null; verified: boolean };
  skills: string[];
  industry: string | null;
  level: string | null;
  hours: number | null;
  price: { amount: number; currency: string } | null;
  delivery: string | null;
  language: string | null;
  url: string | null;
  imageUrl: string | null;
  partIds: string[];
  updatedAt: string;
}

/** The details of an item, as the GraphQL type above shows them. */
export function toDetails(item: ExemplarItem): ExemplarItemDetails {
  return {
    id: item.id,
    title: item.title,
    summary: item.summary ?? null,
    kind: item.kind,
    issuer: {
      id: item.issuer.id,
      name: item.issuer.name,
      website: item.issuer.website ?? null,
      verified: item.issuer.verified === true,
    },
    skills: item.skills ?? [],
    industry: item.industry ?? null,
    level: item.level ?? null,
    hours: item.hours ?? null,
    price: item.price ?? null,
    delivery: item.delivery ?? null,
    language: item.language ?? null,
    url: item.url ?? null,
    imageUrl: item.image_url ?? null,
    partIds: (item.part_ids ?? []).map(itemId),
    updatedAt: item.updated_at,
  };
}

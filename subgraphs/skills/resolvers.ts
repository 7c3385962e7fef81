import { GraphQLError } from 'graphql';
import { URLScalar } from '../../schema/index.js';
import { decodeCursor, encodeCursor } from '../kit/index.js';
import type { OccupationNode, SkillNode } from './loadData.js';
import { MAX_LABELS, type SkillsVocabulary } from './vocabulary.js';

const MAX_PAGE = 100;

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function pageSize(first: number | null | undefined, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE) {
    throw badInput(`first must be from 0 to ${MAX_PAGE}; got ${size}`);
  }
  return size;
}

const isOffsetState = (value: unknown): value is { offset: number } =>
  typeof value === 'object' &&
  value !== null &&
  Number.isInteger((value as { offset?: unknown }).offset) &&
  (value as { offset: number }).offset >= 0;

/** Resolvers of the skills subgraph over one loaded vocabulary (it never changes while the server runs). */
export function skillsResolvers(vocabulary: SkillsVocabulary) {
  return {
    URL: URLScalar,
    Query: {
      skill: (_: unknown, { id }: { id: string }) => vocabulary.skill(id),
      skills: (_: unknown, args: { query?: string | null; first?: number | null; after?: string | null }) => {
        const size = pageSize(args.first, 20);
        let start = 0;
        if (args.after) {
          const state = decodeCursor(args.after, isOffsetState);
          if (!state) throw badInput('after is not a cursor from this field');
          start = state.offset + 1;
        }
        const matches = vocabulary.searchSkills(args.query);
        const page = matches.slice(start, start + size);
        const edges = page.map((node, index) => ({ cursor: encodeCursor({ offset: start + index }), node }));
        return {
          totalCount: matches.length,
          edges,
          pageInfo: {
            hasNextPage: start + size < matches.length,
            hasPreviousPage: start > 0,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
      occupation: (_: unknown, { id }: { id: string }) => vocabulary.occupation(id),
      occupations: (_: unknown, args: { query?: string | null; first?: number | null }) =>
        vocabulary.searchOccupations(args.query).slice(0, pageSize(args.first, 20)),
      normalizeSkills: (_: unknown, { labels }: { labels: string[] }) => {
        if (labels.length > MAX_LABELS) throw badInput(`at most ${MAX_LABELS} labels per request`);
        return vocabulary.normalize(labels).map((result) => ({
          label: result.label,
          skill: result.skillId ? vocabulary.skill(result.skillId) : null,
          confidence: result.confidence,
          match: result.match === 'NONE' ? null : result.match,
        }));
      },
    },
    Skill: {
      __resolveReference: ({ id }: { id: string }) => vocabulary.skill(id),
      broader: (skill: SkillNode) => vocabulary.broader(skill),
      sameAs: (skill: SkillNode) => vocabulary.sameAs(skill),
      occupations: (skill: SkillNode, { first }: { first?: number | null }) =>
        vocabulary.occupationsOf(skill, pageSize(first, 20)),
    },
    Occupation: {
      __resolveReference: ({ id }: { id: string }) => vocabulary.occupation(id),
      skills: (occupation: OccupationNode, { first }: { first?: number | null }) =>
        vocabulary.skillsOf(occupation, pageSize(first, 50)),
      relatedOccupations: (occupation: OccupationNode) => vocabulary.related(occupation),
    },
  };
}

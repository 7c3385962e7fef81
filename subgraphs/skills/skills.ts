import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { type RouteHandler, type RunningServer, readBody, sendJson, serveSubgraph } from '../kit/index.js';
import { DEFAULT_DATA_DIR, loadSkillsData } from './loadData.js';
import { skillsResolvers } from './resolvers.js';
import { skillsTypeDefs } from './typeDefs.js';
import { MAX_LABELS, SkillsVocabulary } from './vocabulary.js';

export interface StartSkillsOptions {
  port?: number;
  host?: string;
  /** The data folder; defaults to `subgraphs/skills/data` in the package. */
  dataDir?: string;
  log?: (line: string) => void;
}

export interface RunningSkills extends RunningServer {
  /** `POST` provider labels here: `{labels: string[]}` → `{results: SkillMatch[]}`. */
  normalizeUrl: string;
  vocabulary: SkillsVocabulary;
}

const loaded = new Map<string, SkillsVocabulary>();

/**
 * The vocabulary from the data folder, loaded once per process: the files never change while it runs, and
 * loading parses about 7 MB.
 */
export function loadVocabulary(dataDir?: string): SkillsVocabulary {
  const key = dataDir ?? DEFAULT_DATA_DIR;
  let vocabulary = loaded.get(key);
  if (!vocabulary) {
    vocabulary = new SkillsVocabulary(loadSkillsData(dataDir));
    loaded.set(key, vocabulary);
  }
  return vocabulary;
}

/** Starts the skills subgraph: GraphQL at `/graphql`, label normalisation at `POST /normalize`. */
export async function startSkillsSubgraph(options: StartSkillsOptions = {}): Promise<RunningSkills> {
  const started = Date.now();
  const vocabulary = loadVocabulary(options.dataDir);
  options.log?.(
    `loaded ${vocabulary.skillCount} skills and ${vocabulary.occupationCount} occupations in ${Date.now() - started} ms`,
  );
  const schema = buildSubgraphSchema({
    typeDefs: parse(skillsTypeDefs),
    // biome-ignore lint/suspicious/noExplicitAny: resolver maps are untyped at this boundary.
    resolvers: skillsResolvers(vocabulary) as any,
  });
  const server = await serveSubgraph({
    name: 'skills',
    schema,
    context: () => ({}),
    routes: { '/normalize': normalizeRoute(vocabulary) },
    port: options.port,
    host: options.host,
  });
  return { ...server, normalizeUrl: server.url.replace(/\/graphql$/, '/normalize'), vocabulary };
}

/** Bytes a /normalize body may take: 1000 labels of a few hundred characters each, with room to spare. */
const MAX_NORMALIZE_BODY = 1_000_000;

const fail = (code: string, message: string) => ({ error: { code, message } });

/**
 * `POST /normalize` with `{"labels": ["Cyber Security", …]}` (at most 1000 strings) answers
 * `{"results": [{label, skillId, skillName, confidence, match}, …]}` in the same order.
 */
export function normalizeRoute(vocabulary: SkillsVocabulary): RouteHandler {
  return async (request, response) => {
    if (request.method !== 'POST') {
      return sendJson(response, 405, fail('METHOD_NOT_ALLOWED', 'use POST'), { allow: 'POST' });
    }
    const text = await readBody(request, MAX_NORMALIZE_BODY);
    if (text === null) {
      return sendJson(response, 413, fail('PAYLOAD_TOO_LARGE', `body exceeds ${MAX_NORMALIZE_BODY} bytes`));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return sendJson(response, 400, fail('BAD_REQUEST', 'body must be JSON: {"labels": ["…"]}'));
    }
    const labels = (body as { labels?: unknown } | null)?.labels;
    if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string')) {
      return sendJson(response, 400, fail('BAD_REQUEST', 'labels must be an array of strings'));
    }
    if (labels.length > MAX_LABELS) {
      return sendJson(
        response,
        400,
        fail('TOO_MANY_LABELS', `at most ${MAX_LABELS} labels per request; got ${labels.length}`),
      );
    }
    sendJson(response, 200, { results: vocabulary.normalize(labels) });
  };
}

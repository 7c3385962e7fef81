import { Agent } from 'undici';
import type { CredentialRecord } from '../../schema/index.js';
import type { CanonicalSkill, IndexedCredential } from './skills.js';

interface NormalizeResult {
  label: string;
  skillId: string | null;
  skillName: string | null;
  confidence: number;
  match: 'EXACT' | 'ALT_LABEL' | 'FUZZY' | 'NONE';
}

const BATCH = 1000;

/**
 * Asks the skills subgraph (`POST /normalize`) for the canonical skill behind each provider label, so that the
 * index files "Cyber Security" and "cybersecurity" under one skill. Over HTTP: the catalog never imports its code.
 */
export class SkillsClient {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000 });

  constructor(
    private readonly normalizeUrl: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async canonicalize(records: readonly CredentialRecord[]): Promise<IndexedCredential[]> {
    const labels = [...new Set(records.flatMap((record) => record.skills.map((skill) => skill.label)))];
    const byLabel = new Map<string, CanonicalSkill | null>();
    for (let start = 0; start < labels.length; start += BATCH) {
      for (const result of await this.normalize(labels.slice(start, start + BATCH))) {
        byLabel.set(
          result.label,
          result.skillId && result.skillName && result.match !== 'NONE'
            ? {
                id: result.skillId,
                name: result.skillName,
                confidence: result.confidence,
                match: result.match,
              }
            : null,
        );
      }
    }
    return records.map((record) => ({
      ...record,
      skills: record.skills.map((skill) => ({ ...skill, canonical: byLabel.get(skill.label) ?? null })),
    }));
  }

  private async normalize(labels: string[]): Promise<NormalizeResult[]> {
    const url = new URL(this.normalizeUrl);
    const response = await this.agent.request({
      origin: url.origin,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ labels }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`skills service answered HTTP ${response.statusCode}`);
    const body = JSON.parse(text) as { results?: NormalizeResult[] };
    if (!Array.isArray(body.results) || body.results.length !== labels.length) {
      throw new Error('skills service answered in a shape that is not the /normalize contract');
    }
    return body.results;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

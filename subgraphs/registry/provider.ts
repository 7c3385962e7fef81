import type { ParsedId } from '../../schema/index.js';
import {
  decodeCursor,
  deepFreeze,
  defineProvider,
  encodeCursor,
  type FeedPage,
  type FeedRequest,
  InvalidCursorError,
} from '../kit/index.js';
import { isCredentialRecord, RegistryClient } from './client.js';
import { isCtid, PROVIDER_ID, type RegistryConfig, readConfig } from './config.js';
import { ctidOf } from './ctdl.js';
import {
  type CtdlRecordDetails,
  DETAILS_TYPE_NAME,
  detailsTypeDefs,
  organizationCtidsOf,
  toDetails,
} from './details.js';
import { isActive, issuerReferenceOf, toCredentialRecord } from './mapping.js';
import type { CtdlCredential, CtdlOrganization } from './upstream.js';

/** What a feed cursor carries: the search API's `Skip` for the next page. */
interface FeedCursor {
  v: 1;
  skip: number;
}

function isFeedCursor(value: unknown): value is FeedCursor {
  const cursor = value as Partial<FeedCursor> | null;
  return (
    typeof value === 'object' &&
    cursor?.v === 1 &&
    typeof cursor.skip === 'number' &&
    Number.isInteger(cursor.skip) &&
    cursor.skip >= 0
  );
}

/**
 * Whether a search result belongs in the feed: an active credential. The query asks for credential classes
 * only, so anything else the registry sends along is ignored; a record without a `@type` string is passed on,
 * for the feed to report as rejected rather than drop silently.
 */
function isFeedable(record: Record<string, unknown>): boolean {
  if (typeof record['@type'] === 'string' && !isCredentialRecord(record)) return false;
  return isActive(record as CtdlCredential);
}

/**
 * One feed page: one search page (Skip/Take), active credentials only, with their issuing organizations
 * fetched from the registry (cached). The registry keeps no modification time in its records, so
 * `updatedSince` is ignored and every harvest is a full walk.
 */
export async function registryFeedPage(client: RegistryClient, request: FeedRequest): Promise<FeedPage> {
  let skip = 0;
  if (request.cursor !== null) {
    const state = decodeCursor(request.cursor, isFeedCursor);
    if (!state) throw new InvalidCursorError();
    skip = state.skip;
  }
  const take = Math.max(1, Math.min(request.limit, client.config.pageSize));
  const page = await client.searchCredentials({ skip, take });
  const records = page.records.filter(isFeedable) as CtdlCredential[];
  const issuers = records.map((record) => ctidOf(issuerReferenceOf(record))).filter((ctid) => ctid !== null);
  const organizations = await client.getOrganizations(issuers);
  const fetchedAt = new Date().toISOString();
  return {
    items: records.map((record) => toCredentialRecord(record, organizations, fetchedAt)),
    nextCursor:
      page.nextSkip === null ? null : encodeCursor({ v: 1, skip: page.nextSkip } satisfies FeedCursor),
  };
}

/**
 * Live details for a DataLoader batch. The registry has no multi-get for records, so each CTID is one
 * `GET resources/{ctid}`, `REGISTRY_CONCURRENCY` at a time, followed by the organizations they name (cached;
 * an organization that cannot be fetched just leaves its name out). One result per ref, in order: null for ids
 * that are not `registry:ctid:*`, for CTIDs the registry does not know and for records that are not
 * credentials; an Error for a record whose lookup failed.
 */
export async function loadRegistryDetails(
  client: RegistryClient,
  refs: readonly ParsedId[],
): Promise<Array<CtdlRecordDetails | null | Error>> {
  const wanted = refs.map((ref) =>
    ref.provider === PROVIDER_ID && ref.kind === 'ctid' && isCtid(ref.upstreamId)
      ? ref.upstreamId.toLowerCase()
      : null,
  );
  const ctids = wanted.filter((ctid): ctid is string => ctid !== null);
  if (ctids.length === 0) return refs.map(() => null);
  const found = await client.getCredentials(ctids);
  const records = [...found.values()].filter(
    (record): record is CtdlCredential => record !== null && !(record instanceof Error),
  );
  const organizations = await client.getOrganizations(records.flatMap(organizationCtidsOf), {
    skipFailures: true,
  });
  return wanted.map((ctid) => {
    const record = ctid === null ? undefined : found.get(ctid);
    if (record === undefined || record === null) return null;
    return record instanceof Error ? record : detailsOf(record, organizations);
  });
}

/**
 * Details already worked out, by the record they came from. The upstream client hands out the same frozen record
 * for as long as its cached answer is fresh, and mapping a CTDL record (language maps, concepts, profiles) was
 * the registry's largest cost on a catalog page. An entry holds while the organizations the record names are
 * the same objects as when it was made.
 */
const mappedDetails = new WeakMap<
  CtdlCredential,
  { organizations: Array<CtdlOrganization | undefined>; details: CtdlRecordDetails }
>();

function detailsOf(
  record: CtdlCredential,
  organizationsByCtid: ReadonlyMap<string, CtdlOrganization>,
): CtdlRecordDetails {
  const organizations = organizationCtidsOf(record).map((ctid) => organizationsByCtid.get(ctid));
  const known = mappedDetails.get(record);
  if (
    known &&
    known.organizations.length === organizations.length &&
    known.organizations.every((organization, i) => organization === organizations[i])
  ) {
    return known.details;
  }
  const details = toDetails(record, organizationsByCtid);
  // Only a frozen record is the client's shared one; details shared between requests are frozen in turn.
  if (Object.isFrozen(record)) mappedDetails.set(record, { organizations, details: deepFreeze(details) });
  return details;
}

/** The Credential Engine Registry as a credgraph provider: published credentials in CTDL. */
export const registryProvider = defineProvider<RegistryConfig, RegistryClient, CtdlRecordDetails>({
  info: {
    id: PROVIDER_ID,
    name: 'Credential Engine Registry',
    kind: 'CREDENTIAL_REGISTRY',
    url: 'https://credentialengine.org',
  },
  readConfig,
  createClient: (config) => new RegistryClient(config),
  feedPage: registryFeedPage,
  loadDetails: loadRegistryDetails,
  details: { typeName: DETAILS_TYPE_NAME, typeDefs: detailsTypeDefs },
});

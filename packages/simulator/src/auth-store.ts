// Local Authorization List (D01/D02) and Authorization Cache (C10), persisted in the data dir.
import { createHash } from 'node:crypto';
import type { OcppTypes } from '@chargewire/ocpp';
import { readJsonIfExists, writeFileAtomic } from './device-model/persistence.ts';

type IdToken = OcppTypes.IdTokenType;
type IdTokenInfo = OcppTypes.IdTokenInfoType;

interface CacheEntry { info: IdTokenInfo; updatedAt: number }
interface Saved { listVersion: number; list: Record<string, IdTokenInfo>; cache: Record<string, CacheEntry> }

export const tokenKey = (t: IdToken): string => `${t.type}:${t.idToken}`;
/**
 * [C10.FR.12] the Authorization Cache holds personal data securely: entries are keyed by a SHA-256 hash of
 * type and idToken, so neither the tokens nor KeyCodes (C04.FR.03/.04) are kept in memory or on disk in clear.
 */
const hashKey = (k: string): string => `sha256:${createHash('sha256').update(`chargewire-auth-cache\u0000${k}`).digest('hex')}`;
const cacheKey = (t: IdToken): string => hashKey(tokenKey(t));

export class AuthStore {
  listVersion = 0;
  private list = new Map<string, IdTokenInfo>();
  private cache = new Map<string, CacheEntry>();

  constructor(private readonly path?: string, private readonly maxCache = 1000) {
    const saved = path ? (readJsonIfExists(path) as Saved | undefined) : undefined;
    if (saved) {
      this.listVersion = saved.listVersion;
      this.list = new Map(Object.entries(saved.list));
      // a cache saved before C10.FR.12 (keys in clear) is re-keyed, and rewritten at the next change
      this.cache = new Map(Object.entries(saved.cache).map(([k, e]) => [k.startsWith('sha256:') ? k : hashKey(k), e]));
    }
  }

  // [C10.FR.02] [D01.FR.10] list and cache persist across reboots and power outages.
  private save(): void {
    if (!this.path) return;
    writeFileAtomic(this.path, JSON.stringify({ listVersion: this.listVersion, list: Object.fromEntries(this.list), cache: Object.fromEntries(this.cache) }));
  }

  get listSize(): number { return this.list.size; }
  get cacheSize(): number { return this.cache.size; }

  fromList(t: IdToken): IdTokenInfo | undefined { return this.list.get(tokenKey(t)); }

  /** SendLocalList: 'Accepted' | 'VersionMismatch' | 'Failed'. */
  applyList(req: OcppTypes.SendLocalListRequest, maxEntries: number): 'Accepted' | 'VersionMismatch' | 'Failed' {
    // [D01.FR.18] versionNumber > 0 (0 means "no list").
    if (req.versionNumber <= 0) return 'Failed';
    // [D01.FR.19] a Differential update must carry a newer version.
    if (req.updateType === 'Differential' && req.versionNumber <= this.listVersion) return 'VersionMismatch';
    const items = req.localAuthorizationList ?? [];
    // [D01.FR.06] all IdTokens in the list unique.
    if (new Set(items.map((a) => tokenKey(a.idToken))).size !== items.length) return 'Failed';
    const next = req.updateType === 'Full' ? new Map<string, IdTokenInfo>() : new Map(this.list);
    for (const a of items) {
      // [D01.FR.16] entries with idTokenInfo are added/updated; [D01.FR.17] entries without are removed.
      if (a.idTokenInfo) next.set(tokenKey(a.idToken), a.idTokenInfo);
      else next.delete(tokenKey(a.idToken));
    }
    if (next.size > maxEntries) return 'Failed';
    // [D01.FR.04] Full without list empties it; [D01.FR.15] Full replaces; [D01.FR.05] version always updated.
    this.list = next;
    this.listVersion = req.versionNumber;
    this.save();
    return 'Accepted';
  }

  /** [C10.FR.08] [C10.FR.10] [C10.FR.13] a cache entry that has not expired, else undefined (and evicted). */
  fromCache(t: IdToken, now: number, lifeTimeS: number): IdTokenInfo | undefined {
    const e = this.cache.get(cacheKey(t));
    if (!e) return undefined;
    const expiry = e.info.cacheExpiryDateTime ? Date.parse(e.info.cacheExpiryDateTime) : e.updatedAt + lifeTimeS * 1000;
    if (now > expiry) {
      this.cache.delete(cacheKey(t));
      this.save();
      return undefined;
    }
    return e.info;
  }

  /** [C10.FR.01] [C10.FR.04] [C10.FR.05] keep the latest IdTokenInfo, whatever its status. */
  remember(t: IdToken, info: IdTokenInfo, now: number): void {
    // [C02.FR.03] [C05.FR.02] never cache information about NoAuthorization or Central tokens.
    if (t.type === 'NoAuthorization' || t.type === 'Central') return;
    const k = cacheKey(t);
    this.cache.delete(k);
    // [C10.FR.13] an expiry in the past prevents storing.
    if (info.cacheExpiryDateTime && Date.parse(info.cacheExpiryDateTime) < now) { this.save(); return; }
    // [C10.FR.07] make room: drop non-Accepted entries first, then the least recently updated.
    while (this.cache.size >= this.maxCache) {
      const victim = [...this.cache].find(([, e]) => e.info.status !== 'Accepted')?.[0] ?? this.cache.keys().next().value!;
      this.cache.delete(victim);
    }
    this.cache.set(k, { info, updatedAt: now });
    this.save();
  }

  clearCache(): void {
    this.cache.clear();
    this.save();
  }
}

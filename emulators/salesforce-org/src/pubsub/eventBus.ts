/**
 * The org's event bus for Change Data Capture: every committed store transaction becomes change events
 * on each data channel with a member for the changed object whose filter admits the change. Each
 * channel keeps its events for the retention window, 72 hours by the org's clock (Pub/Sub API, "Event
 * Message Durability"), each with a replay id: an opaque, increasing position (8 bytes on the wire).
 */
import { randomUUID } from 'node:crypto';
import type { EmulatedOrg } from '../org.js';
import type { RecordChange } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';
import {
  changeEventSchema,
  commitInfo,
  encodeChange,
  FIRST_COMMIT_NUMBER,
  type ChangeEventSchema,
} from './changeEvents.js';
import type { ChannelMember, DataChannel } from './channels.js';

export const RETENTION_MS = 72 * 3_600_000;

export interface BusEvent {
  readonly replayId: bigint;
  readonly publishedAt: number;
  readonly id: string;
  readonly schemaId: string;
  readonly payload: Buffer;
}

interface Topic {
  channel: DataChannel;
  readonly events: BusEvent[];
  /** Replay id of the newest event purged by retention: a subscriber behind it has lost events. */
  purgedThrough: bigint;
}

export class ReplayIdUnavailable extends Error {}

export class EventBus {
  private readonly topics = new Map<string, Topic>();
  private readonly schemas = new Map<string, ChangeEventSchema>();
  private readonly memberSchemas = new Map<ChannelMember, { fieldCount: number; schema: ChangeEventSchema }>();
  private readonly listeners = new Set<(topicName: string) => void>();
  private lastReplayId = 1000n;
  private nextCommitNumber = FIRST_COMMIT_NUMBER;
  private listening = false;

  constructor(
    private readonly org: EmulatedOrg,
    channels: readonly DataChannel[],
  ) {
    this.setChannels(channels);
  }

  /** Serves these channels: a new one gets a topic; a redeployed one keeps its retained events. */
  setChannels(channels: readonly DataChannel[]): void {
    for (const channel of channels) {
      const topic = this.topics.get(`/data/${channel.name}`);
      if (topic) topic.channel = channel;
      else this.topics.set(`/data/${channel.name}`, { channel, events: [], purgedThrough: this.lastReplayId });
    }
    // An org without channels publishes nothing, so it does not listen to the store at all.
    if (channels.length > 0 && !this.listening) {
      this.listening = true;
      this.org.store.onChanges((changes) => this.publish(changes));
    }
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  hasTopic(topicName: string): boolean {
    return this.topics.has(topicName);
  }

  /** The schema id of a topic's events: one channel may carry several entities; the first member's. */
  topicSchemaId(topicName: string): string | undefined {
    const member = this.topics.get(topicName)?.channel.members[0];
    return member ? this.schemaOf(member).id : undefined;
  }

  schemaJson(schemaId: string): string | undefined {
    return this.schemas.get(schemaId)?.json;
  }

  /** Called with a topic's name whenever it gets events. */
  onPublish(listener: (topicName: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The newest replay id of the topic (where a LATEST subscription starts). */
  latest(topicName: string): bigint {
    const topic = this.retained(topicName);
    return topic.events.at(-1)?.replayId ?? topic.purgedThrough;
  }

  /** Where an EARLIEST subscription starts: just before the oldest retained event. */
  earliest(topicName: string): bigint {
    return this.retained(topicName).purgedThrough;
  }

  /**
   * Checks a CUSTOM replay id: one the bus gave whose own event is still retained — an event purged by
   * retention is "an old Replay ID outside the 72-hour retention period", even when nothing after it was lost.
   */
  checkReplayId(topicName: string, replayId: bigint): void {
    const topic = this.retained(topicName);
    if (replayId <= topic.purgedThrough || replayId > this.lastReplayId) {
      throw new ReplayIdUnavailable(
        `Replay ID ${replayId} is not valid for ${topicName}: it is older than the 72-hour retention window or was never issued. Subscribe with EARLIEST or LATEST.`,
      );
    }
  }

  /** Up to `limit` retained events after `replayId`, oldest first. */
  after(topicName: string, replayId: bigint, limit: number): BusEvent[] {
    const events = this.retained(topicName).events;
    let start = events.length;
    while (start > 0 && (events[start - 1] as BusEvent).replayId > replayId) start--;
    return events.slice(start, start + limit);
  }

  private retained(topicName: string): Topic {
    const topic = this.topics.get(topicName);
    if (!topic) throw new Error(`unknown topic ${topicName}`);
    const horizon = this.org.now().getTime() - RETENTION_MS;
    let purge = 0;
    while (purge < topic.events.length && (topic.events[purge] as BusEvent).publishedAt < horizon) purge++;
    if (purge > 0) topic.purgedThrough = (topic.events.splice(0, purge).at(-1) as BusEvent).replayId;
    return topic;
  }

  /** The member's schema, made again only when its object gained fields (a deploy). */
  private schemaOf(member: ChannelMember): ChangeEventSchema {
    const def = this.org.schema.object(member.sobject);
    const cached = this.memberSchemas.get(member);
    if (cached && cached.fieldCount === def.fields.size) return cached.schema;
    const schema = changeEventSchema(def, member.entity);
    this.schemas.set(schema.id, schema);
    this.memberSchemas.set(member, { fieldCount: def.fields.size, schema });
    return schema;
  }

  private publish(changes: readonly RecordChange[]): void {
    const now = this.org.now();
    const commit = commitInfo(this.nextCommitNumber++, now, this.org.store.currentUserId);
    const touched = new Set<string>();
    for (const [topicName, topic] of this.topics) {
      changes.forEach((change, index) => {
        const member = topic.channel.members.find((m) => m.sobject === change.sobject);
        if (!member || !member.admits(change.record)) return;
        const schema = this.schemaOf(member);
        const payload = encodeChange(schema, change, index + 1, commit, member.filterFields);
        topic.events.push({
          replayId: ++this.lastReplayId,
          publishedAt: now.getTime(),
          id: randomUUID(),
          schemaId: schema.id,
          payload,
        });
        touched.add(topicName);
      });
    }
    for (const topicName of touched) for (const listener of this.listeners) listener(topicName);
  }
}

import { z } from 'zod';
import { LocalizedText, NODE_KINDS, ProcessDefinition, ProcessProblem } from './process.ts';

/**
 * Shapes of the Processes API (configuration center, api.md "Processes"). The definition itself
 * is the language of process.ts; these are the envelopes around it.
 */

/** A category that starts this process (categories.process_key). */
export const ProcessCategoryRef = z.object({ code: z.string(), name: LocalizedText });
export type ProcessCategoryRef = z.infer<typeof ProcessCategoryRef>;

/** One process key in the list: the active version and where it is used. */
export const ProcessSummary = z.object({
  key: z.string(),
  /** The active version's name. */
  name: LocalizedText,
  activeVersion: z.number().int(),
  latestVersion: z.number().int(),
  updatedAt: z.string(),
  categories: z.array(ProcessCategoryRef),
  /** Instances still running (on any version). */
  runningInstances: z.number().int(),
});
export type ProcessSummary = z.infer<typeof ProcessSummary>;

export const ProcessList = z.object({ items: z.array(ProcessSummary) });
export type ProcessList = z.infer<typeof ProcessList>;

/** A saved version (versions are immutable; one per key is active). */
export const ProcessVersionInfo = z.object({
  version: z.number().int(),
  name: LocalizedText,
  createdAt: z.string(),
  /** Null for the built-in version seeded at installation. */
  createdBy: z.object({ id: z.string(), username: z.string() }).nullable(),
  note: z.string().nullable(),
  active: z.boolean(),
  runningInstances: z.number().int(),
});
export type ProcessVersionInfo = z.infer<typeof ProcessVersionInfo>;

/** `GET /processes/:key`: the active version's definition and the history. */
export const ProcessDetail = ProcessSummary.extend({
  definition: ProcessDefinition,
  /** Newest first. */
  versions: z.array(ProcessVersionInfo),
});
export type ProcessDetail = z.infer<typeof ProcessDetail>;

/** `GET /processes/:key/versions/:n`. */
export const ProcessVersionDetail = ProcessVersionInfo.extend({ key: z.string(), definition: ProcessDefinition });
export type ProcessVersionDetail = z.infer<typeof ProcessVersionDetail>;

/** `PUT /processes/:key` → 201. */
export const SavedProcessVersion = z.object({ key: z.string(), version: z.number().int(), activated: z.boolean() });
export type SavedProcessVersion = z.infer<typeof SavedProcessVersion>;

/** `POST /processes/:key/activate` → 200. */
export const ActivatedProcessVersion = z.object({ key: z.string(), activeVersion: z.number().int() });
export type ActivatedProcessVersion = z.infer<typeof ActivatedProcessVersion>;

/** One step in words (the summary beside the diagram). */
export const DescribedProcessStep = z.object({ id: z.string(), kind: z.enum(NODE_KINDS), title: z.string(), detail: z.string() });
export type DescribedProcessStep = z.infer<typeof DescribedProcessStep>;

/**
 * `POST /processes/validate` → 200 whether valid or not (the editor validates as the author
 * types). When valid, the normalised definition (defaults filled, every node placed) and the
 * steps in words come along.
 */
export const ProcessValidation = z.object({
  ok: z.boolean(),
  problems: z.array(ProcessProblem),
  definition: ProcessDefinition.optional(),
  described: z.object({ zh: z.array(DescribedProcessStep), en: z.array(DescribedProcessStep) }).optional(),
});
export type ProcessValidation = z.infer<typeof ProcessValidation>;

import { z } from 'zod';
import { ApiKeyScope, OrgUnitKind, Role } from './enums.ts';

export const LoginRequest = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const Membership = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  orgUnitName: z.string(),
  orgUnitKind: OrgUnitKind,
  role: Role,
});
export type Membership = z.infer<typeof Membership>;

export const User = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  /** Masked unless the caller's scope covers this user (e.g. 138****5678). */
  phone: z.string().nullable(),
  isActive: z.boolean(),
  roles: z.array(Role),
  memberships: z.array(Membership),
});
export type User = z.infer<typeof User>;

export const LoginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: User });

export const DataScope = z.object({
  /** Everything in the county (county-level admins and leaders). */
  all: z.boolean(),
  /** Territorial units whose subtrees the caller sees. */
  unitIds: z.array(z.string()),
  /** Departments/stations whose dispatched events the caller sees. */
  departmentIds: z.array(z.string()),
  /** Deputies and reporters also see what they submitted. */
  ownSubmissions: z.boolean(),
});
export type DataScope = z.infer<typeof DataScope>;

export const MeResponse = z.object({ user: User, roles: z.array(Role), memberships: z.array(Membership), dataScope: DataScope });

export const CreateUserRequest = z.object({
  username: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/),
  displayName: z.string().min(1).max(64),
  phone: z.string().max(20).optional(),
  password: z.string().min(8).max(256),
  memberships: z.array(z.object({ orgUnitId: z.string(), role: Role })).default([]),
});

export const CreateApiKeyRequest = z.object({
  name: z.string().min(1).max(100),
  scopes: z.array(ApiKeyScope).min(1),
  orgUnitId: z.string().optional(),
  expiresAt: z.string().datetime({ offset: true }).optional(),
});
export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ApiKeyScope),
  orgUnitId: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

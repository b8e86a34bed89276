import type { ProcessCategoryRef, ProcessSummary, ProcessVersionInfo } from '@liandong/contracts';
import type { ProcessRow, VersionRow } from './processes.repository.ts';

export function presentProcessSummary(row: ProcessRow, categories: ProcessCategoryRef[], runningInstances: number): ProcessSummary {
  return {
    key: row.key,
    name: { zh: row.name_zh, en: row.name_en },
    activeVersion: row.active_version,
    latestVersion: Number(row.latest_version ?? row.active_version),
    updatedAt: row.updated_at,
    categories,
    runningInstances,
  };
}

export function presentVersionInfo(row: VersionRow, activeVersion: number, runningInstances: number): ProcessVersionInfo {
  return {
    version: row.version,
    name: { zh: row.name_zh, en: row.name_en },
    createdAt: row.created_at,
    createdBy: row.created_by && row.username ? { id: row.created_by, username: row.username } : null,
    note: row.note,
    active: row.version === activeVersion,
    runningInstances,
  };
}

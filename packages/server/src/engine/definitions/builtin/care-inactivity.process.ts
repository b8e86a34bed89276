import type { ProcessDefinitionInput } from '@liandong/contracts';
import { t } from './text.ts';

/**
 * A person under care has gone quiet: the grid worker and the duty room hear at once, the family
 * contact gets an SMS first where the care rule says so (vars.familyFirst, set by the starter),
 * then the grid worker visits within a short natural-time limit.
 */
export const CARE_INACTIVITY_PROCESS: ProcessDefinitionInput = {
  key: 'care-inactivity',
  name: t('独居老人关爱预警', 'Care inactivity'),
  description: t('水电气无活动预警：通知网格员与值班室，上门查看', 'No utility use: notify the grid worker and duty room, then visit'),
  // Set by the care rule that starts the process; the alert's text uses them when present (care.alert).
  variables: [
    { name: 'familyFirst', type: 'boolean', title: t('先通知家属', 'SMS the family first') },
    { name: 'subjectName', type: 'string', title: t('关爱对象姓名', 'Name of the person under care') },
    { name: 'place', type: 'string', title: t('住址', 'Address') },
    { name: 'silentHours', type: 'number', title: t('无活动小时数', 'Hours without activity') },
  ],
  start: 'alert_grid',
  nodes: [
    {
      id: 'alert_grid',
      kind: 'action',
      title: t('通知网格员', 'Alert the grid worker'),
      action: 'notify_unit',
      params: { unit: 'grid', role: 'grid_worker', template: 'care.alert', sms: true },
      next: 'alert_duty',
    },
    {
      id: 'alert_duty',
      kind: 'action',
      title: t('通知值班室', 'Alert the duty room'),
      action: 'notify_unit',
      params: { unit: 'county', role: 'duty_officer', template: 'care.alert' },
      next: 'family_first',
    },
    {
      id: 'family_first',
      kind: 'decision',
      title: t('是否先通知家属', 'Family first?'),
      branches: [{ when: { field: 'vars.familyFirst', op: 'eq', value: true }, next: 'sms_family', title: t('是', 'Yes') }],
      default: 'visit',
    },
    {
      id: 'sms_family',
      kind: 'action',
      title: t('短信通知家属', 'SMS the family'),
      action: 'send_sms',
      params: { template: 'care.alert', to: 'family' },
      next: 'visit',
      onError: 'visit',
    },
    {
      id: 'visit',
      kind: 'task',
      title: t('上门查看并报告', 'Visit and report'),
      assignee: { role: 'grid_worker', unit: 'grid' },
      eventStatus: 'dispatched',
      timeLimit: { minutes: 60, kind: 'natural' },
      warnShare: 0.5,
      overdueActions: ['urge', 'escalate', 'notify_leader'],
      outcomes: [
        { key: 'safe', title: t('已找到，安全', 'Found, safe'), next: 'closed_safe' },
        { key: 'needs_help', title: t('需要救助', 'Needs help'), next: 'assist' },
      ],
      allow: { transfer: true },
    },
    {
      id: 'assist',
      kind: 'task',
      title: t('安排救助', 'Arrange assistance'),
      assignee: { role: 'handler', unit: 'village' },
      eventStatus: 'in_progress',
      timeLimit: { minutes: 240, kind: 'natural' },
      overdueActions: ['urge', 'escalate'],
      outcomes: [{ key: 'done', title: t('已安排', 'Arranged'), next: 'closed_assisted' }],
    },
    { id: 'closed_safe', kind: 'end', title: t('安全，结案', 'Safe: closed'), closingKind: 'normal' },
    { id: 'closed_assisted', kind: 'end', title: t('已救助，结案', 'Assisted: closed'), closingKind: 'normal' },
  ],
};
